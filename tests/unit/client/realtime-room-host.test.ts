import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it, mock } from "node:test";
import { ChannelClient } from "../../../lib/client/realtime/channel-client";
import { SocketTransport } from "../../../lib/client/realtime/socket-transport";
import { RoomClient } from "../../../lib/client/room-client";
import { FakeSocket } from "./fake-socket";

/** Channels riding the room's socket: one WebSocket per tab. */

const flush = () => new Promise<void>((resolve) => queueMicrotask(resolve));

function joined(ws: FakeSocket, clientId = "me") {
  ws.frame({
    type: "joined",
    room: "lobby",
    connectionId: "c1",
    clientId,
    clientToken: "token-of-me-0123456789",
    expiresAt: null,
    capacity: null,
  });
  ws.frame({ type: "history", room: "lobby", messages: [], reset: true });
}

describe("ChannelClient on a RoomClient's socket", () => {
  let room: RoomClient;
  let channels: ChannelClient;

  beforeEach(() => {
    FakeSocket.all = [];
    mock.timers.enable({ apis: ["setTimeout", "setInterval"] });
    room = new RoomClient({
      url: "ws://test/api/ws",
      room: "lobby",
      clientId: "me",
      name: "Me",
      createSocket: (url) => new FakeSocket(url),
      random: () => 0.5,
      watchNetwork: false,
      newClientId: () => "me-2",
    });
    channels = new ChannelClient(
      new SocketTransport({ url: "own", createSocket: (url) => new FakeSocket(url), watchNetwork: false }),
    );
  });
  afterEach(() => {
    room.stop();
    channels.stop();
    mock.timers.reset();
  });

  it("subscribes on the room's socket once joined, and keeps channel frames out of the room", async () => {
    room.start();
    const ws = FakeSocket.last;
    channels.borrow(room.channelHost);
    const got: string[] = [];
    channels.subscribe({ channel: "news", history: 3, onEvent: (e) => got.push(e.id) });
    await flush();
    assert.equal(FakeSocket.all.length, 1, "no socket of its own");
    ws.open();
    assert.deepEqual(ws.of("subscribe"), [], "not before the join is answered");
    joined(ws);
    assert.equal(channels.status, "connected");
    assert.deepEqual(ws.of("subscribe"), [{ type: "subscribe", channel: "news", history: 3 }]);
    ws.frame({ type: "subscribed", channel: "news" });
    ws.frame({ type: "error", code: "forbidden", message: "no", channel: "other" });
    ws.frame({
      type: "events",
      channel: "news",
      events: [{ id: "1-0", channel: "news", event: "announcement.posted", data: { text: "hi" }, ts: 1 }],
      reset: true,
    });
    assert.deepEqual(got, ["1-0"]);
    assert.equal(room.getSnapshot().notice, null);
    assert.equal(room.getSnapshot().status.state, "connected");
  });

  it("does not subscribe twice when the room joins again on the same socket (client_taken)", async () => {
    room.start();
    const ws = FakeSocket.last;
    channels.borrow(room.channelHost);
    channels.subscribe({ channel: "news", onEvent: () => {} });
    await flush();
    ws.open();
    joined(ws);
    ws.frame({ type: "error", code: "client_taken", message: "taken" });
    joined(ws, "me-2");
    assert.equal(ws.of("subscribe").length, 1);
  });

  it("resubscribes from the newest id when the room reconnects, and goes back to its own socket when let go", async () => {
    room.start();
    const first = FakeSocket.last;
    const release = channels.borrow(room.channelHost);
    channels.subscribe({ channel: "news", onEvent: () => {} });
    await flush();
    first.open();
    joined(first);
    first.frame({ type: "subscribed", channel: "news" });
    first.frame({ type: "event", id: "5-0", channel: "news", event: "announcement.posted", data: {}, ts: 5 });
    first.serverClose();
    assert.equal(channels.status, "reconnecting");
    mock.timers.tick(1000);
    const second = FakeSocket.last;
    second.open();
    joined(second);
    assert.deepEqual(second.of("subscribe"), [{ type: "subscribe", channel: "news", since: "5-0" }]);

    release();
    const own = FakeSocket.last;
    assert.equal(own.url, "own");
    own.open();
    assert.deepEqual(own.of("subscribe"), [{ type: "subscribe", channel: "news", since: "5-0" }]);
    assert.equal(second.closed, undefined, "the room keeps its socket");
  });
});
