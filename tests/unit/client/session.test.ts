import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it, mock } from "node:test";
import type { ConnectionEvents, RoomTransport } from "../../../lib/client/connection";
import { RoomSession, type SessionOptions } from "../../../lib/client/session";
import { FakeSocket } from "./fake-socket";
import { joinedFrame } from "./fixtures";

/** A fallback transport that only records that it was made. */
class FakeFallback implements RoomTransport {
  static made: FakeFallback[] = [];
  isJoined = false;
  closed = false;
  constructor(readonly events: ConnectionEvents) {
    FakeFallback.made.push(this);
  }
  send(): boolean {
    return false;
  }
  close(): void {
    this.closed = true;
  }
}

/** A session whose site answers HTTP when `site.up` says so. */
function session(site: { up: boolean }, extra: Partial<SessionOptions> = {}) {
  const s = new RoomSession(
    {
      url: "ws://test/api/ws",
      createSocket: (url) => new FakeSocket(url),
      now: () => Date.now(),
      random: () => 0.5,
      watchNetwork: false,
      pingIntervalMs: 25_000,
      pongTimeoutMs: 10_000,
      connectTimeoutMs: 10_000,
      createFallback: (events) => new FakeFallback(events),
      siteReachable: async () => site.up,
      websocketRetryMs: 60_000,
      ...extra,
    },
    {
      joinFrame: () => ({ type: "join", room: "lobby", clientId: "me", name: "Me" }),
      frame: () => {},
      status: () => {},
      ended: () => {},
    },
  );
  s.start();
  return s;
}

/** Lets the site probe (a resolved promise) answer. */
const settle = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

/** The current attempt's socket fails before it is joined, and the backoff runs out. */
async function failAttempt(): Promise<void> {
  FakeSocket.last.serverClose(1006);
  await settle();
  mock.timers.tick(30_000);
}

beforeEach(() => {
  FakeSocket.all = [];
  FakeFallback.made = [];
  mock.timers.enable({ apis: ["setTimeout", "setInterval", "Date"] });
});
afterEach(() => mock.timers.reset());

describe("RoomSession: WebSocket or fallback", () => {
  it("moves to the fallback after two failed WebSockets while the site answers", async () => {
    const s = session({ up: true });
    await failAttempt();
    assert.equal(s.transport, "websocket");
    await failAttempt();
    assert.equal(s.transport, "fallback");
    assert.equal(FakeFallback.made.length, 1);
    s.stop();
  });

  it("stays on WebSockets through a restart, when the site was down too", async () => {
    const site = { up: false };
    const s = session(site);
    for (let i = 0; i < 3; i++) await failAttempt();
    site.up = true; // the server is back by the time the site is asked about the last refusal
    await failAttempt();
    const socket = FakeSocket.last;
    socket.open();
    socket.frame(joinedFrame());
    assert.equal(s.transport, "websocket");
    assert.equal(s.isJoined, true);
    assert.equal(FakeFallback.made.length, 0);
    s.stop();
  });

  it("a failure the site did not answer for starts the count again", async () => {
    const site = { up: true };
    const s = session(site);
    await failAttempt();
    site.up = false;
    await failAttempt();
    site.up = true;
    await failAttempt();
    assert.equal(s.transport, "websocket", "no two failures in a row with the site up");
    await failAttempt();
    assert.equal(s.transport, "fallback");
    s.stop();
  });

  it("on the fallback, tries a WebSocket every minute and goes back once one opens", async () => {
    const s = session({ up: true });
    await failAttempt();
    await failAttempt();
    const fallback = FakeFallback.made[0]!;
    const sockets = FakeSocket.all.length;

    mock.timers.tick(60_000);
    const refused = FakeSocket.all[sockets]!;
    refused.serverClose(1006);
    await settle();
    assert.equal(s.transport, "fallback");
    assert.equal(fallback.closed, false);

    mock.timers.tick(60_000);
    const probe = FakeSocket.all[sockets + 1]!;
    probe.open();
    await settle();
    assert.deepEqual(probe.closed, { code: 1000, reason: "probe" }, "the probe itself is closed");
    assert.equal(s.transport, "websocket");
    assert.equal(fallback.closed, true);
    const room = FakeSocket.last;
    assert.notEqual(room, probe);
    room.open();
    assert.deepEqual(room.of("join"), [{ type: "join", room: "lobby", clientId: "me", name: "Me" }]);
    s.stop();
  });

  it("stop() ends the WebSocket retries", async () => {
    const s = session({ up: true });
    await failAttempt();
    await failAttempt();
    s.stop();
    const sockets = FakeSocket.all.length;
    mock.timers.tick(180_000);
    assert.equal(FakeSocket.all.length, sockets);
  });
});
