import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import { upgradeWebSocket } from "../../../lib/server/upgrade-websocket";

const CONTEXT = Symbol.for("@vercel/request-context");
const globals = globalThis as Record<symbol, unknown>;

describe("upgradeWebSocket", () => {
  afterEach(() => {
    delete globals[CONTEXT];
  });

  it("answers 503 unavailable where the runtime has no WebSocket support", async () => {
    const res = await upgradeWebSocket(() => assert.fail("no socket to hand over"));
    assert.equal(res.status, 503);
    const body = await res.json();
    assert.equal(body.error.code, "unavailable");
    assert.match(body.error.message, /WebSockets are not available on this deployment/);
  });

  it("lets any other upgrade failure through", async () => {
    globals[CONTEXT] = {
      get: () => ({
        upgradeWebSocket: () => {
          throw new Error("socket already taken");
        },
      }),
    };
    await assert.rejects(
      upgradeWebSocket(() => assert.fail("no socket to hand over")),
      /socket already taken/,
    );
  });
});
