import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it, mock } from "node:test";
import { backoffDelay } from "../../../lib/client/backoff";
import { statusLabel, typingText } from "../../../lib/client/format";
import { validateName } from "../../../lib/client/identity";
import { mergeMessages, replaceMessages } from "../../../lib/client/messages";
import { ADJECTIVES, ANIMALS, randomName } from "../../../lib/client/names";
import { RoomClient } from "../../../lib/client/room-client";
import type { Message } from "../../../lib/protocol";
import { FakeSocket as SharedFakeSocket } from "./fake-socket";
import { msg } from "./fixtures";

/** The shared fake, plus the room's own handshake. */
class FakeSocket extends SharedFakeSocket {
  /** Open, accept the join, send history. */
  accept(messages: Message[] = [], reset = true, expiresAt: number | null = null) {
    this.open();
    this.frame({
      type: "joined",
      room: "lobby",
      connectionId: "c1",
      clientId: "me",
      clientToken: "token-of-me-0123456789",
      expiresAt,
      capacity: null,
    });
    this.frame({ type: "history", room: "lobby", messages, reset });
  }
}

let clock = 1_000_000;
function tick(ms: number) {
  clock += ms;
  mock.timers.tick(ms);
}

function makeClient(extra: Partial<ConstructorParameters<typeof RoomClient>[0]> = {}) {
  const c = new RoomClient({
    url: "ws://test/api/ws",
    room: "lobby",
    clientId: "me",
    name: "Me",
    createSocket: (url) => new FakeSocket(url),
    now: () => clock,
    random: () => 0.5,
    watchNetwork: false,
    ...extra,
  });
  c.start();
  return c;
}
const last = (): FakeSocket => {
  const socket = SharedFakeSocket.all.at(-1);
  if (!(socket instanceof FakeSocket)) throw new Error("no room socket opened");
  return socket;
};

beforeEach(() => {
  SharedFakeSocket.all = [];
  mock.timers.enable({ apis: ["setTimeout", "setInterval"] });
});
afterEach(() => mock.timers.reset());

describe("RoomClient", () => {
  it("joins, keeps messages sorted and unique, and rejoins with since = newest id", () => {
    const c = makeClient();
    assert.equal(c.getSnapshot().status.state, "connecting");
    const ws = last();
    ws.open();
    assert.deepEqual(ws.sent[0], { type: "join", room: "lobby", clientId: "me", name: "Me" });
    ws.frame({
      type: "joined",
      room: "lobby",
      connectionId: "x",
      clientId: "me",
      clientToken: "token-of-me-0123456789",
      expiresAt: 5,
      capacity: 2,
    });
    assert.deepEqual(c.getSnapshot().joined, { connectionId: "x", expiresAt: 5, capacity: 2 });
    assert.equal(c.getSnapshot().status.state, "connected");
    ws.frame({ type: "history", room: "lobby", messages: [msg("10-0"), msg("9-1")], reset: true });
    ws.frame({ type: "message", message: msg("10-0") });
    ws.frame({ type: "message", message: msg("10-2") });
    ws.frame({ type: "message", message: msg("10-1") });
    assert.deepEqual(
      c.getSnapshot().messages.map((m) => m.id),
      ["9-1", "10-0", "10-1", "10-2"],
    );

    ws.serverClose(1001);
    const s = c.getSnapshot().status;
    assert.equal(s.state, "reconnecting");
    tick(1000);
    const ws2 = last();
    assert.notEqual(ws2, ws);
    ws2.open();
    assert.equal(ws2.sent[0]!.since, "10-2");
    ws2.frame({
      type: "joined",
      room: "lobby",
      connectionId: "y",
      clientId: "me",
      clientToken: "token-of-me-0123456789",
      expiresAt: null,
      capacity: null,
    });
    ws2.frame({ type: "history", room: "lobby", messages: [msg("11-0")], reset: false });
    assert.deepEqual(
      c.getSnapshot().messages.map((m) => m.id),
      ["9-1", "10-0", "10-1", "10-2", "11-0"],
    );
    c.stop();
  });

  it("history reset:true replaces the list", () => {
    const c = makeClient();
    last().accept([msg("1-0"), msg("2-0")]);
    last().serverClose(1006);
    tick(1000);
    last().accept([msg("50-0")], true);
    assert.deepEqual(
      c.getSnapshot().messages.map((m) => m.id),
      ["50-0"],
    );
    c.stop();
  });

  it("backs off 1 s doubling to 30 s and resets after a join", () => {
    const c = makeClient();
    const delays: number[] = [];
    for (let i = 0; i < 7; i++) {
      last().serverClose(1006);
      const s = c.getSnapshot().status;
      assert.equal(s.state, "reconnecting");
      if (s.state === "reconnecting") {
        delays.push(s.retryAt - clock);
        tick(s.retryAt - clock);
      }
    }
    assert.deepEqual(delays, [1000, 2000, 4000, 8000, 16000, 30000, 30000]);
    last().accept();
    last().serverClose(1006);
    const s = c.getSnapshot().status;
    assert.ok(s.state === "reconnecting" && s.retryAt - clock === 1000);
    c.stop();
  });

  it("backoff has jitter within ±20 % and never exceeds 30 s", () => {
    assert.equal(
      backoffDelay(0, () => 0),
      800,
    );
    assert.equal(
      backoffDelay(0, () => 1),
      1200,
    );
    assert.equal(
      backoffDelay(3, () => 0.5),
      8000,
    );
    assert.equal(
      backoffDelay(10, () => 1),
      30000,
    );
    assert.equal(
      backoffDelay(10, () => 0),
      24000,
    );
  });

  for (const [code, reason] of [
    [4001, "unauthorized"],
    [4004, "room_not_found"],
    [4010, "expired"],
  ] as const) {
    it(`close ${code} is terminal (${reason}) and does not reconnect`, () => {
      const c = makeClient();
      last().accept();
      last().serverClose(code);
      const s = c.getSnapshot().status;
      assert.equal(s.state, "ended");
      assert.equal(s.state === "ended" && s.reason, reason);
      tick(120_000);
      assert.equal(SharedFakeSocket.all.length, 1);
      assert.equal(c.send("hello").ok, false);
      c.stop();
    });
  }

  it("close 4002 (joined nothing in time) is not terminal: it reconnects and joins again", () => {
    const c = makeClient();
    last().open();
    last().serverClose(4002);
    assert.equal(c.getSnapshot().status.state, "reconnecting");
    tick(1000);
    assert.equal(SharedFakeSocket.all.length, 2);
    last().accept();
    assert.equal(last().of("join").length, 1);
    assert.equal(c.getSnapshot().status.state, "connected");
    c.stop();
  });

  it("surfaces destroyed frames as a terminal state", () => {
    const c = makeClient();
    last().accept([], true, 123);
    assert.equal(c.getSnapshot().joined?.expiresAt, 123);
    last().frame({ type: "destroyed", room: "lobby", reason: "destroyed" });
    const s = c.getSnapshot().status;
    assert.ok(s.state === "ended" && s.reason === "destroyed");
    tick(60_000);
    assert.equal(SharedFakeSocket.all.length, 1);
    c.stop();
  });

  it("queues messages while disconnected and sends them after the join", () => {
    const c = makeClient();
    const r = c.send("  early  ");
    assert.ok(r.ok);
    assert.equal(c.getSnapshot().outbox[0]!.text, "early");
    assert.equal(c.getSnapshot().outbox[0]!.status, "sending");
    last().accept();
    const sent = last().of("message");
    assert.equal(sent.length, 1);
    assert.deepEqual(sent[0], { type: "message", text: "early", nonce: r.ok ? r.nonce : "" });
    c.stop();
  });

  it("resends unacknowledged messages with their original nonce, once, and settles them by nonce", () => {
    const c = makeClient();
    last().accept();
    const r1 = c.send("one");
    const r2 = c.send("two");
    assert.ok(r1.ok && r2.ok);
    last().frame({ type: "ack", nonce: r1.nonce, id: "20-0" });
    assert.equal(c.getSnapshot().outbox.find((e) => e.nonce === r1.nonce)?.status, "sent");
    last().frame({ type: "message", message: msg("20-0", { clientId: "me", text: "one", nonce: r1.nonce }) });
    assert.equal(c.getSnapshot().outbox.length, 1);
    last().serverClose(1006);
    tick(1000);
    last().accept([], false);
    const resent = last().of("message");
    assert.deepEqual(resent, [{ type: "message", text: "two", nonce: r2.nonce }]);
    // The history of a reconnect can already hold it (stored, ack lost): then it is not resent.
    const r3 = c.send("three");
    assert.ok(r3.ok);
    last().serverClose(1006);
    tick(1000);
    last().accept(
      [
        msg("30-0", { clientId: "me", text: "two", nonce: r2.nonce }),
        msg("30-1", { clientId: "me", text: "three", nonce: r3.nonce }),
      ],
      false,
    );
    assert.deepEqual(last().of("message"), []);
    assert.equal(c.getSnapshot().outbox.length, 0);
    c.stop();
  });

  it("retries unavailable and rate_limited with the same nonce; fails empty/too_long/bad_frame readably", () => {
    const c = makeClient();
    last().accept();
    const a = c.send("a");
    const b = c.send("b");
    const d = c.send("d");
    assert.ok(a.ok && b.ok && d.ok);
    const ws = last();
    ws.frame({ type: "error", code: "unavailable", message: "down", nonce: a.nonce });
    ws.frame({ type: "error", code: "rate_limited", message: "slow", nonce: b.nonce });
    ws.frame({ type: "error", code: "too_long", message: "x", nonce: d.nonce });
    const failed = c.getSnapshot().outbox.find((e) => e.nonce === d.nonce)!;
    assert.equal(failed.status, "failed");
    assert.match(failed.error!, /1000 characters/);
    ws.sent = [];
    tick(1300);
    assert.deepEqual(ws.of("message"), [{ type: "message", text: "b", nonce: b.nonce }]);
    tick(1300);
    assert.deepEqual(
      ws.of("message").map((f) => f.nonce),
      [b.nonce, a.nonce],
    );
    // A failed one is resent only on request, with its nonce.
    c.retry(d.nonce);
    assert.equal(ws.of("message").at(-1)!.nonce, d.nonce);
    c.discard(d.nonce);
    assert.equal(
      c.getSnapshot().outbox.some((e) => e.nonce === d.nonce),
      false,
    );
    c.stop();
  });

  it("refuses empty and over-long text locally", () => {
    const c = makeClient();
    assert.deepEqual(c.send("   "), { ok: false, message: "Messages cannot be empty." });
    assert.equal(c.send("x".repeat(1001)).ok, false);
    assert.equal(c.send("😀".repeat(1000)).ok, true);
    c.stop();
  });

  it("pings every 25 s and drops a connection that stays silent 10 s", () => {
    const c = makeClient();
    last().accept();
    const ws = last();
    tick(25_000);
    assert.equal(ws.of("ping").length, 1);
    ws.frame({ type: "pong" });
    tick(25_000);
    assert.equal(ws.of("ping").length, 2);
    tick(10_000);
    assert.ok(ws.closed, "the silent socket is closed");
    assert.equal(c.getSnapshot().status.state, "reconnecting");
    tick(1000);
    assert.equal(SharedFakeSocket.all.length, 2);
    c.stop();
  });

  it("gives up on a connection that never joins", () => {
    const c = makeClient({ connectTimeoutMs: 5000 });
    tick(5000);
    assert.equal(c.getSnapshot().status.state, "reconnecting");
    c.stop();
  });

  it("throttles typing to one frame per 2 s and shows who types for 3 s", () => {
    const c = makeClient();
    last().accept();
    c.notifyTyping();
    c.notifyTyping();
    tick(1999);
    c.notifyTyping();
    assert.equal(last().of("typing").length, 1);
    tick(1);
    c.notifyTyping();
    assert.equal(last().of("typing").length, 2);

    last().frame({ type: "typing", room: "lobby", clientId: "o1", name: "Swift Otter" });
    last().frame({ type: "typing", room: "lobby", clientId: "o2", name: "Brave Badger" });
    assert.deepEqual(
      c.getSnapshot().typing.map((t) => t.name),
      ["Swift Otter", "Brave Badger"],
    );
    last().frame({ type: "message", message: msg("40-0", { clientId: "o1" }) });
    assert.deepEqual(
      c.getSnapshot().typing.map((t) => t.name),
      ["Brave Badger"],
    );
    tick(3100);
    assert.deepEqual(c.getSnapshot().typing, []);
    c.stop();
  });

  it("reconnects at once under a new name, keeping messages and outbox", () => {
    const c = makeClient();
    last().accept([msg("5-0")]);
    c.setName("New Name");
    const ws = last();
    assert.equal(SharedFakeSocket.all.length, 2);
    assert.ok(SharedFakeSocket.all[0]!.closed);
    ws.open();
    assert.deepEqual(ws.sent[0], {
      type: "join",
      room: "lobby",
      clientId: "me",
      name: "New Name",
      since: "5-0",
      clientToken: "token-of-me-0123456789",
    });
    assert.equal(c.getSnapshot().messages.length, 1);
    c.stop();
  });

  it("stop() closes the socket and cancels timers; start() resumes with since and the outbox", () => {
    const c = makeClient();
    last().accept([msg("5-0")]);
    const ws = last();
    c.stop();
    assert.ok(ws.closed, "stopping closes the socket");
    const r = c.send("while stopped");
    assert.ok(r.ok);
    tick(120_000);
    assert.equal(SharedFakeSocket.all.length, 1, "nothing reconnects while stopped");
    assert.equal(ws.of("ping").length, 0);
    c.start();
    const ws2 = last();
    assert.notEqual(ws2, ws);
    ws2.open();
    assert.equal(ws2.sent[0]!.since, "5-0");
    ws2.frame({
      type: "joined",
      room: "lobby",
      connectionId: "z",
      clientId: "me",
      clientToken: "token-of-me-0123456789",
      expiresAt: null,
      capacity: null,
    });
    ws2.frame({ type: "history", room: "lobby", messages: [], reset: false });
    assert.deepEqual(ws2.of("message"), [{ type: "message", text: "while stopped", nonce: r.ok ? r.nonce : "" }]);
    c.stop();
  });

  it("does not start again once the room ended", () => {
    const c = makeClient();
    last().accept();
    last().serverClose(4010);
    c.stop();
    c.start();
    assert.equal(SharedFakeSocket.all.length, 1);
    assert.equal(c.getSnapshot().status.state, "ended");
    c.stop();
  });

  it("ignores frames that do not match the contract", () => {
    const c = makeClient();
    last().accept();
    const warn = mock.method(console, "warn", () => {});
    last().onmessage?.({ data: "{not json" });
    last().frame({ type: "message", message: { id: 1 } });
    assert.equal(warn.mock.callCount(), 2);
    warn.mock.restore();
    assert.equal(c.getSnapshot().messages.length, 0);
    c.stop();
  });
});

describe("RoomClient identity (clientToken, client_taken)", () => {
  const TOKEN = "token-of-me-0123456789";

  it("joins with the tab's token, and reports a token the server hands out", () => {
    const seen: [string, string | undefined][] = [];
    const c = makeClient({ clientToken: "older-token-0123456789", onIdentity: (id, t) => seen.push([id, t]) });
    last().open();
    assert.equal(last().sent[0]!.clientToken, "older-token-0123456789");
    last().frame({
      type: "joined",
      room: "lobby",
      connectionId: "c1",
      clientId: "me",
      clientToken: TOKEN,
      expiresAt: null,
      capacity: null,
    });
    assert.deepEqual(seen, [["me", TOKEN]]);
    last().serverClose(1006);
    tick(1000);
    last().open();
    assert.equal(last().sent[0]!.clientToken, TOKEN, "a reconnect proves the clientId with the newest token");
    c.stop();
  });

  it("after client_taken it picks a new clientId silently and joins again on the same socket, keeping its name", () => {
    const seen: [string, string | undefined][] = [];
    const c = makeClient({ newClientId: () => "fresh", onIdentity: (id, t) => seen.push([id, t]) });
    const ws = last();
    ws.open();
    ws.frame({ type: "error", code: "client_taken", message: "taken" });
    assert.equal(SharedFakeSocket.all.length, 1, "no new socket: the server keeps the connection open");
    assert.deepEqual(ws.sent[1], { type: "join", room: "lobby", clientId: "fresh", name: "Me" });
    assert.equal(c.clientId, "fresh");
    assert.equal(c.getSnapshot().clientId, "fresh");
    assert.equal(c.getSnapshot().notice, null, "nothing to tell the person");
    assert.deepEqual(seen, [["fresh", undefined]]);
    ws.frame({
      type: "joined",
      room: "lobby",
      connectionId: "c1",
      clientId: "fresh",
      clientToken: TOKEN,
      expiresAt: null,
      capacity: null,
    });
    assert.deepEqual(seen.at(-1), ["fresh", TOKEN]);
    assert.equal(c.getSnapshot().status.state, "connected");
    c.stop();
  });

  it("a message refused with client_taken (a fallback post) is resent under the new clientId", () => {
    const c = makeClient({ newClientId: () => "fresh" });
    last().accept();
    const r = c.send("hello");
    assert.ok(r.ok);
    last().frame({ type: "error", code: "client_taken", message: "taken", nonce: r.nonce });
    const entry = c.getSnapshot().outbox.find((e) => e.nonce === r.nonce);
    assert.equal(entry?.status, "sending");
    assert.equal(entry?.error, undefined);
    assert.equal(c.clientId, "fresh");
    assert.equal(c.getSnapshot().notice, null);
    c.stop();
  });
});

describe("client helpers", () => {
  it("merges by id, sorted, without duplicates", () => {
    const a = replaceMessages([msg("3-0"), msg("1-0"), msg("1-0")]);
    assert.deepEqual(
      a.map((m) => m.id),
      ["1-0", "3-0"],
    );
    const b = mergeMessages(a, [msg("2-0"), msg("3-0"), msg("10-0")]);
    assert.deepEqual(
      b.map((m) => m.id),
      ["1-0", "2-0", "3-0", "10-0"],
    );
    assert.equal(mergeMessages(b, [msg("2-0")]), b, "unchanged list is the same object");
  });

  it("suggests names like Swift Otter", () => {
    assert.equal(
      randomName(() => 0),
      `${ADJECTIVES[0]} ${ANIMALS[0]}`,
    );
    for (let i = 0; i < 50; i++) assert.match(randomName(), /^[A-Z][a-z]+ [A-Z][a-z]+$/);
  });

  it("validates names as the server does", () => {
    assert.deepEqual(validateName("  Ada \u0007 "), { ok: true, name: "Ada" });
    assert.equal(validateName("   ").ok, false);
    assert.equal(validateName("x".repeat(41)).ok, false);
  });

  it("labels connection states and typing", () => {
    assert.equal(statusLabel({ state: "connecting", attempt: 0 }), "Connecting…");
    assert.equal(statusLabel({ state: "connected" }), "Connected");
    assert.equal(statusLabel({ state: "reconnecting", attempt: 2, retryAt: 4000 }, 200), "Reconnecting in 4 s…");
    assert.equal(statusLabel({ state: "offline" }), "Offline");
    assert.equal(typingText(["X"]), "X is typing…");
    assert.equal(typingText(["X", "Y"]), "X and Y are typing…");
  });
});
