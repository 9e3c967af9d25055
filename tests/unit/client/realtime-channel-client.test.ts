import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it, mock } from "node:test";
import { ChannelClient, type ChannelError } from "../../../lib/client/realtime/channel-client";
import { SocketTransport } from "../../../lib/client/realtime/socket-transport";
import type { ChannelEvent } from "../../../lib/protocol";
import { FakeSocket } from "./fake-socket";

/**
 * The channel client's own logic (ordering, dedupe, one request at a time, resume with `since`)
 * against a socket the test plays the server of, for the orders of frames a real server does not
 * produce on demand. tests/unit/client/realtime-server.test.ts runs it against a real instance.
 */

const ev = (channel: string, id: string, event = "announcement.posted"): ChannelEvent => ({
  id,
  channel,
  event,
  data: { text: `t${id}` },
  ts: Number(id.split("-")[0]),
});

const flush = () => new Promise<void>((resolve) => queueMicrotask(resolve));

function makeClient() {
  return new ChannelClient(
    new SocketTransport({
      url: "ws://test/api/ws",
      createSocket: (url) => new FakeSocket(url),
      random: () => 0.5,
      watchNetwork: false,
    }),
  );
}

function recorder() {
  const got: string[] = [];
  return { got, onEvent: (e: ChannelEvent) => got.push(`${e.channel}:${e.id}`) };
}

describe("ChannelClient", () => {
  beforeEach(() => {
    FakeSocket.all = [];
    mock.timers.enable({ apis: ["setTimeout", "setInterval"] });
  });
  afterEach(() => mock.timers.reset());

  it("opens a socket for the first channel, subscribes with history, and delivers backlog then live in id order", async () => {
    const client = makeClient();
    const r = recorder();
    client.subscribe({ channel: "news", history: 3, ...r });
    await flush();
    const ws = FakeSocket.last;
    assert.equal(client.status, "connecting");
    ws.open();
    assert.equal(client.status, "connected");
    assert.deepEqual(ws.of("subscribe"), [{ type: "subscribe", channel: "news", history: 3 }]);
    ws.frame({ type: "subscribed", channel: "news" });
    ws.frame({ type: "events", channel: "news", events: [ev("news", "1-0"), ev("news", "2-0")], reset: true });
    ws.frame({ type: "event", ...ev("news", "2-0") });
    ws.frame({ type: "event", ...ev("news", "1-5") });
    ws.frame({ type: "event", ...ev("news", "3-0") });
    assert.deepEqual(r.got, ["news:1-0", "news:2-0", "news:3-0"]);
  });

  it("resubscribes every channel from its newest id after a reconnect, delivering nothing twice", async () => {
    const client = makeClient();
    const a = recorder();
    const b = recorder();
    client.subscribe({ channel: "a", history: 5, ...a });
    client.subscribe({ channel: "b", ...b });
    await flush();
    const first = FakeSocket.last;
    first.open();
    first.frame({ type: "subscribed", channel: "a" });
    first.frame({ type: "events", channel: "a", events: [ev("a", "1-0")], reset: true });
    first.frame({ type: "subscribed", channel: "b" });
    first.frame({ type: "events", channel: "b", events: [], reset: true });
    first.frame({ type: "event", ...ev("a", "2-0") });
    first.serverClose();
    assert.equal(client.status, "reconnecting");

    mock.timers.tick(1000);
    const second = FakeSocket.last;
    assert.notEqual(second, first);
    assert.equal(client.status, "reconnecting");
    second.open();
    assert.equal(client.status, "connected");
    assert.deepEqual(second.of("subscribe"), [
      { type: "subscribe", channel: "a", since: "2-0", history: 5 },
      { type: "subscribe", channel: "b" },
    ]);
    second.frame({ type: "subscribed", channel: "a" });
    second.frame({ type: "events", channel: "a", events: [ev("a", "2-0"), ev("a", "3-0")], reset: false });
    second.frame({ type: "subscribed", channel: "b" });
    second.frame({ type: "events", channel: "b", events: [ev("b", "1-0")], reset: false });
    assert.deepEqual(a.got, ["a:1-0", "a:2-0", "a:3-0"]);
    assert.deepEqual(b.got, ["b:1-0"]);
  });

  it("adds and drops channels on the open socket, with no reconnect", async () => {
    const client = makeClient();
    const a = recorder();
    const stopA = client.subscribe({ channel: "a", ...a });
    await flush();
    const ws = FakeSocket.last;
    ws.open();
    ws.frame({ type: "subscribed", channel: "a" });
    const b = recorder();
    client.subscribe({ channel: "b", ...b });
    await flush();
    assert.deepEqual(
      ws.of("subscribe").map((f) => f.channel),
      ["a", "b"],
    );
    stopA();
    await flush();
    assert.deepEqual(ws.of("unsubscribe"), [{ type: "unsubscribe", channel: "a" }]);
    ws.frame({ type: "event", ...ev("a", "1-0") });
    ws.frame({ type: "unsubscribed", channel: "a" });
    ws.frame({ type: "event", ...ev("a", "2-0") });
    assert.deepEqual(a.got, [], "a listener gets nothing after it left");
    assert.equal(FakeSocket.all.length, 1, "no reconnect");
    assert.equal(ws.closed, undefined);
  });

  it("coalesces a listener that leaves and comes back in the same task (React StrictMode) into one subscribe", async () => {
    const client = makeClient();
    const r = recorder();
    client.subscribe({ channel: "a", ...r })();
    client.subscribe({ channel: "a", ...r });
    await flush();
    FakeSocket.last.open();
    assert.deepEqual(FakeSocket.last.of("subscribe"), [{ type: "subscribe", channel: "a" }]);
    assert.deepEqual(FakeSocket.last.of("unsubscribe"), []);
  });

  it("waits for the answer before resubscribing with another filter, and filters per listener", async () => {
    const client = makeClient();
    const posted = recorder();
    client.subscribe({ channel: "a", events: ["x.posted"], ...posted });
    await flush();
    const ws = FakeSocket.last;
    ws.open();
    assert.deepEqual(ws.of("subscribe"), [{ type: "subscribe", channel: "a", events: ["x.posted"] }]);
    const all = recorder();
    client.subscribe({ channel: "a", ...all });
    await flush();
    assert.deepEqual(ws.of("unsubscribe"), [], "the subscribe is still unanswered");
    ws.frame({ type: "subscribed", channel: "a" });
    assert.deepEqual(ws.of("unsubscribe"), [{ type: "unsubscribe", channel: "a" }]);
    ws.frame({ type: "events", channel: "a", events: [ev("a", "1-0", "x.posted")], reset: true });
    ws.frame({ type: "unsubscribed", channel: "a" });
    assert.deepEqual(ws.of("subscribe").at(-1), { type: "subscribe", channel: "a", since: "1-0" });
    ws.frame({ type: "subscribed", channel: "a" });
    ws.frame({ type: "events", channel: "a", events: [ev("a", "2-0", "y.other")], reset: false });
    ws.frame({ type: "event", ...ev("a", "3-0", "x.posted") });
    assert.deepEqual(posted.got, ["a:1-0", "a:3-0"]);
    assert.deepEqual(all.got, ["a:1-0", "a:2-0", "a:3-0"]);
  });

  it("gives a listener that joins a followed channel its history from what was delivered", async () => {
    const client = makeClient();
    client.subscribe({ channel: "a", history: 2, onEvent: () => {} });
    await flush();
    const ws = FakeSocket.last;
    ws.open();
    ws.frame({ type: "subscribed", channel: "a" });
    ws.frame({ type: "events", channel: "a", events: ["1-0", "2-0", "3-0"].map((id) => ev("a", id)), reset: true });
    const late = recorder();
    client.subscribe({ channel: "a", history: 2, ...late });
    await flush();
    ws.frame({ type: "event", ...ev("a", "4-0") });
    assert.deepEqual(late.got, ["a:2-0", "a:3-0", "a:4-0"]);
    assert.equal(ws.of("subscribe").length, 1);
  });

  it("reports a refused channel in words, leaves the others alone, and asks again on the next socket", async () => {
    const client = makeClient();
    const errors: ChannelError[] = [];
    client.subscribe({ channel: "user-2", onEvent: () => {}, onError: (e) => errors.push(e) });
    const ok = recorder();
    client.subscribe({ channel: "news", ...ok });
    await flush();
    const ws = FakeSocket.last;
    ws.open();
    ws.frame({
      type: "error",
      code: "forbidden",
      message: "Only its user may follow this channel.",
      channel: "user-2",
    });
    ws.frame({ type: "subscribed", channel: "news" });
    ws.frame({ type: "event", ...ev("news", "1-0") });
    assert.deepEqual(errors, [
      { channel: "user-2", code: "forbidden", message: "Only its user may follow this channel." },
    ]);
    assert.deepEqual(ok.got, ["news:1-0"]);
    assert.equal(ws.of("subscribe").length, 2, "not asked again on the same socket");
    ws.serverClose();
    mock.timers.tick(1000);
    FakeSocket.last.open();
    assert.deepEqual(
      FakeSocket.last.of("subscribe").map((f) => f.channel),
      ["user-2", "news"],
    );
  });

  it("ends a channel whose room ended and does not subscribe it again", async () => {
    const client = makeClient();
    const ends: string[] = [];
    client.subscribe({ channel: "room1", onEvent: () => {}, onEnd: (c, reason) => ends.push(`${c}:${reason}`) });
    await flush();
    const ws = FakeSocket.last;
    ws.open();
    ws.frame({ type: "subscribed", channel: "room1" });
    ws.frame({ type: "unsubscribed", channel: "room1", reason: "destroyed" });
    assert.deepEqual(ends, ["room1:destroyed"]);
    ws.serverClose();
    mock.timers.tick(1000);
    FakeSocket.last.open();
    assert.deepEqual(FakeSocket.last.of("subscribe"), []);
  });

  it("closes its socket when the last listener leaves", async () => {
    const client = makeClient();
    const stop = client.subscribe({ channel: "a", onEvent: () => {} });
    await flush();
    const ws = FakeSocket.last;
    ws.open();
    ws.frame({ type: "subscribed", channel: "a" });
    stop();
    await flush();
    ws.frame({ type: "unsubscribed", channel: "a" });
    assert.ok(ws.closed);
    assert.equal(client.status, "disconnected");
  });

  it("moves to a borrowed socket and back, resuming from the newest id each time", async () => {
    const client = makeClient();
    const r = recorder();
    client.subscribe({ channel: "a", ...r });
    await flush();
    const own = FakeSocket.last;
    own.open();
    own.frame({ type: "subscribed", channel: "a" });
    own.frame({ type: "event", ...ev("a", "1-0") });

    const borrowedSocket = new FakeSocket("room");
    const release = client.borrow(
      new SocketTransport({ url: "room", createSocket: () => borrowedSocket, watchNetwork: false }),
    );
    assert.ok(own.closed, "its own socket closes");
    borrowedSocket.open();
    assert.deepEqual(borrowedSocket.of("subscribe"), [{ type: "subscribe", channel: "a", since: "1-0" }]);
    borrowedSocket.frame({ type: "subscribed", channel: "a" });
    borrowedSocket.frame({ type: "events", channel: "a", events: [ev("a", "1-0"), ev("a", "2-0")], reset: false });

    release();
    assert.ok(borrowedSocket.closed);
    const again = FakeSocket.last;
    again.open();
    assert.deepEqual(again.of("subscribe"), [{ type: "subscribe", channel: "a", since: "2-0" }]);
    assert.deepEqual(r.got, ["a:1-0", "a:2-0"]);
  });
});
