import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import WebSocket from "ws";
import { startApp, type AppInstance } from "../helpers/app-server";

/** On Vercel without REDIS_URL every instance would be an island: Flare refuses and says why. */
describe("a Vercel deployment without REDIS_URL [memory]", () => {
  let app: AppInstance;
  before(async () => {
    app = await startApp({ env: { VERCEL: "1", REDIS_URL: "" } });
  });
  after(() => app.kill());

  const explainsRedis = (message: string) => assert.match(message, /needs Redis.*REDIS_URL/);

  it("health answers 503 degraded with the reason", async () => {
    const res = await fetch(`${app.url}/api/health`);
    assert.equal(res.status, 503);
    const body = await res.json();
    assert.equal(body.status, "degraded");
    assert.equal(body.error.code, "unavailable");
    explainsRedis(body.error.message);
  });

  it("HTTP routes answer 503 unavailable with the reason, and create nothing", async () => {
    const res = await fetch(`${app.url}/api/rooms`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ttlSeconds: 60, capacity: 2 }),
    });
    assert.equal(res.status, 503);
    assert.equal(res.headers.getSetCookie().length, 0);
    const body = await res.json();
    assert.equal(body.error.code, "unavailable");
    explainsRedis(body.error.message);
    assert.equal((await fetch(`${app.url}/api/rooms/lobby/messages`)).status, 503);
  });

  it("the WebSocket upgrade is refused with HTTP 503 and the reason", async () => {
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve) => {
      const ws = new WebSocket(app.wsUrl);
      ws.on("unexpected-response", (_req, res) => {
        let text = "";
        res.on("data", (d) => (text += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      });
      ws.on("open", () => resolve({ status: 101, text: "" }));
      ws.on("error", () => {});
    });
    assert.equal(status, 503);
    explainsRedis(text);
  });
});
