import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  applyFrame,
  closeEndReason,
  disconnected,
  emptySnapshot,
  ended,
  type FrameContext,
  type RoomSnapshot,
} from "../../../lib/client/room-state";
import { CLOSE_CODES, defaultMessage, type ServerFrame } from "../../../lib/protocol";
import { entry, joinedFrame, msg } from "./fixtures";

const ctx: FrameContext = { now: 10_000, random: () => 0.5, typingTtlMs: 3000 };
const start = () => emptySnapshot("lobby", "me", "Me");

function apply(state: RoomSnapshot, ...frames: ServerFrame[]): RoomSnapshot {
  return frames.reduce((s, f) => applyFrame(s, f, ctx), state);
}

const ids = (s: RoomSnapshot) => s.messages.map((m) => m.id);

describe("applyFrame", () => {
  it("joined: connected, with the room's facts, and clears the notice", () => {
    const s = apply(
      { ...start(), notice: "old problem" },
      {
        type: "joined",
        room: "lobby",
        connectionId: "c1",
        clientId: "me",
        clientToken: "token-of-me-0123456789",
        expiresAt: 99,
        capacity: 2,
      },
    );
    assert.deepEqual(s.status, { state: "connected" });
    assert.deepEqual(s.joined, { connectionId: "c1", expiresAt: 99, capacity: 2 });
    assert.equal(s.notice, null);
  });

  it("history then live messages: sorted, unique by id", () => {
    const s = apply(
      start(),
      { type: "history", room: "lobby", messages: [msg("10-0"), msg("9-1")], reset: true },
      { type: "message", message: msg("10-0") },
      { type: "message", message: msg("10-2") },
      { type: "message", message: msg("10-1") },
      { type: "history", room: "lobby", messages: [msg("10-2"), msg("11-0")], reset: false },
    );
    assert.deepEqual(ids(s), ["9-1", "10-0", "10-1", "10-2", "11-0"]);
  });

  it("history reset:true replaces the list and drops acked entries that can no longer arrive", () => {
    const before = {
      ...start(),
      messages: [msg("1-0"), msg("2-0")],
      outbox: [entry("acked", { status: "sent", id: "3-0" }), entry("waiting")],
    };
    const s = apply(before, { type: "history", room: "lobby", messages: [msg("50-0")], reset: true });
    assert.deepEqual(ids(s), ["50-0"]);
    assert.deepEqual(
      s.outbox.map((e) => e.nonce),
      ["waiting"],
    );
  });

  it("own messages settle outbox entries by nonce or by acked id", () => {
    const before = { ...start(), outbox: [entry("a"), entry("b", { status: "sent", id: "7-0" }), entry("c")] };
    const s = apply(
      before,
      { type: "message", message: msg("6-0", { clientId: "me", nonce: "a" }) },
      { type: "history", room: "lobby", messages: [msg("7-0", { clientId: "me" })], reset: false },
      // Someone else's message with a colliding nonce settles nothing.
      { type: "message", message: msg("8-0", { nonce: "c" }) },
    );
    assert.deepEqual(
      s.outbox.map((e) => e.nonce),
      ["c"],
    );
  });

  it("ack marks an entry sent, or settles it when the message already arrived", () => {
    const before = { ...start(), messages: [msg("5-0", { clientId: "me" })], outbox: [entry("a"), entry("b")] };
    const s = apply(before, { type: "ack", nonce: "a", id: "6-0" }, { type: "ack", nonce: "b", id: "5-0" });
    assert.deepEqual(s.outbox, [{ ...entry("a"), status: "sent", id: "6-0", retryAt: undefined, error: undefined }]);
    assert.equal(apply(s, { type: "ack", nonce: "unknown", id: "9-0" }).outbox, s.outbox);
  });

  it("typing: others only, in this room, for the TTL; their message ends it", () => {
    const s = apply(
      start(),
      { type: "typing", room: "lobby", clientId: "o1", name: "Swift Otter" },
      { type: "typing", room: "lobby", clientId: "o2", name: "Brave Badger" },
      { type: "typing", room: "lobby", clientId: "me", name: "Me" },
      { type: "typing", room: "elsewhere", clientId: "o3", name: "Lost Lynx" },
    );
    assert.deepEqual(s.typing, [
      { clientId: "o1", name: "Swift Otter", until: 13_000 },
      { clientId: "o2", name: "Brave Badger", until: 13_000 },
    ]);
    const after = apply(s, { type: "message", message: msg("40-0", { clientId: "o1" }) });
    assert.deepEqual(
      after.typing.map((t) => t.name),
      ["Brave Badger"],
    );
  });

  it("typing drops indicators that lapsed before the new one", () => {
    const stale = { ...start(), typing: [{ clientId: "o1", name: "Old", until: ctx.now - 1 }] };
    const s = apply(stale, { type: "typing", room: "lobby", clientId: "o2", name: "New" });
    assert.deepEqual(
      s.typing.map((t) => t.clientId),
      ["o2"],
    );
  });

  it("presence: count and users, de-duplicated by clientId, for this room only", () => {
    const users = [
      { clientId: "a", name: "A" },
      { clientId: "b", name: "B" },
      { clientId: "a", name: "A again" },
    ];
    const s = apply(start(), { type: "presence", room: "lobby", count: 2, users });
    assert.deepEqual(s.presence, { count: 2, users: users.slice(0, 2) });
    assert.equal(apply(s, { type: "presence", room: "other", count: 9, users: [] }), s);
  });

  it("destroyed ends the room with a readable message and forgets the connection", () => {
    const joined = apply(
      { ...start(), typing: [{ clientId: "o", name: "O", until: 1e9 }] },
      {
        type: "joined",
        room: "lobby",
        connectionId: "c1",
        clientId: "me",
        clientToken: "token-of-me-0123456789",
        expiresAt: null,
        capacity: null,
      },
    );
    const s = apply(joined, { type: "destroyed", room: "lobby", reason: "destroyed" });
    assert.deepEqual(s.status, { state: "ended", reason: "destroyed", message: "This room was destroyed." });
    assert.equal(s.joined, null);
    assert.deepEqual(s.typing, []);
  });

  it("errors about an outbox entry: content fails for good, the rest waits to be resent", () => {
    const before = { ...start(), outbox: [entry("long"), entry("slow"), entry("down"), entry("bad")] };
    const s = apply(
      before,
      { type: "error", code: "too_long", message: "x", nonce: "long" },
      { type: "error", code: "rate_limited", message: "slow down", nonce: "slow" },
      { type: "error", code: "unavailable", message: "Storage is down.", nonce: "down" },
      { type: "error", code: "bad_frame", message: "x", nonce: "bad" },
    );
    const [long, slow, down, bad] = s.outbox;
    assert.equal(long!.status, "failed");
    assert.equal(long!.error, defaultMessage("too_long"));
    assert.deepEqual([slow!.status, slow!.retryAt], ["sending", 10_000 + 1000 + 250]);
    assert.deepEqual([down!.status, down!.retryAt], ["sending", 10_000 + 2000 + 500]);
    assert.equal(bad!.status, "failed");
    assert.equal(s.notice, "Storage is down.", "unavailable is worth telling");
  });

  it("errors without an entry become the notice, except already_joined", () => {
    const s = apply(start(), { type: "error", code: "not_joined", message: "Join first." });
    assert.equal(s.notice, "Join first.");
    assert.equal(apply(s, { type: "error", code: "already_joined", message: "x" }), s);
    const gone = apply(
      { ...start(), outbox: [entry("a")] },
      { type: "error", code: "room_not_found", message: "No such room.", nonce: "a" },
    );
    assert.equal(gone.notice, "No such room.");
    assert.equal(gone.outbox[0]!.status, "sending", "the close that follows ends the room");
  });

  it("pong changes nothing", () => {
    const s = start();
    assert.equal(apply(s, { type: "pong" }), s);
  });
});

describe("room state transitions", () => {
  it("close codes that end the room, and those that do not", () => {
    assert.equal(closeEndReason(CLOSE_CODES.roomEnded), "expired");
    assert.equal(closeEndReason(CLOSE_CODES.roomNotFound), "room_not_found");
    assert.equal(closeEndReason(CLOSE_CODES.unauthorized), "unauthorized");
    for (const code of [
      CLOSE_CODES.normal,
      CLOSE_CODES.goingAway,
      CLOSE_CODES.slowConsumer,
      CLOSE_CODES.joinTimeout,
      1006,
    ])
      assert.equal(closeEndReason(code), undefined);
  });

  it("disconnected forgets the connection but keeps messages and outbox", () => {
    const s = { ...start(), messages: [msg("1-0")], outbox: [entry("a")] };
    const joined = apply(s, joinedFrame());
    const d = disconnected(joined, { state: "offline" });
    assert.deepEqual(d.status, { state: "offline" });
    assert.equal(d.joined, null);
    assert.equal(d.messages, s.messages);
    assert.equal(d.outbox, s.outbox);
  });

  it("ended uses the contract's wording where there is one", () => {
    const s = ended(start(), "unauthorized");
    assert.deepEqual(s.status, { state: "ended", reason: "unauthorized", message: defaultMessage("unauthorized") });
  });
});
