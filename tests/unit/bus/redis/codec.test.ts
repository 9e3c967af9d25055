import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  decodeConnections,
  decodeEvent,
  decodeMessage,
  encodeDraft,
  encodeEvent,
  plainStoredMessage,
  storedMessageSchema,
} from "../../../../lib/bus/redis/codec";
import { storedMessage } from "../../../../lib/bus/stored-message";
import { backoffMs } from "../../../../lib/redis/client";
import { allRoomKeys, roomKeys, ROOM_KEY_ORDER } from "../../../../lib/redis/keys";

describe("redis keys", () => {
  it("every key of a room carries the room as its hash tag", () => {
    const keys = allRoomKeys("abc");
    assert.equal(keys.length, ROOM_KEY_ORDER.length);
    for (const k of keys) assert.match(k, /^flare:\{abc\}:[a-z-]+$/);
    assert.equal(roomKeys("lobby").messages, "flare:{lobby}:messages");
    assert.equal(new Set(keys).size, keys.length);
  });
});

describe("redis codec", () => {
  it("round-trips a message; the stream id is the id and its ms the ts", () => {
    const data = encodeDraft({
      room: "r",
      clientId: "c",
      name: "N",
      text: "hi",
      system: true,
      event: "joined",
      nonce: "k",
    });
    assert.equal(JSON.parse(data).id, undefined);
    const m = decodeMessage("r", "1700000000123-4", ["d", data, "o", "inst"]);
    assert.deepEqual(m, {
      id: "1700000000123-4",
      room: "r",
      clientId: "c",
      name: "N",
      text: "hi",
      ts: 1700000000123,
      system: true,
      event: "joined",
      nonce: "k",
    });
  });

  it("skips what is not ours instead of trusting it", () => {
    assert.equal(decodeMessage("r", "1-0", ["d", "{not json"]), undefined);
    assert.equal(decodeMessage("r", "1-0", ["d", JSON.stringify({ text: 1 })]), undefined);
    assert.equal(
      decodeMessage("r", "nope", ["d", encodeDraft({ room: "r", clientId: "c", name: "n", text: "t" })]),
      undefined,
    );
    assert.equal(decodeEvent(["d", JSON.stringify({ kind: "typing", room: "r" })]), undefined);
    assert.deepEqual(decodeConnections(["{}", null, JSON.stringify({ clientId: "c", name: "n", instance: "i" })]), [
      { clientId: "c", name: "n" },
    ]);
  });

  it("the hand check of a stored message accepts only what the schema accepts, and gives what it gives", () => {
    const base = { room: "r", clientId: "c", name: "N", text: "hi" };
    const variants: Record<string, unknown>[] = [
      base,
      { ...base, system: true, event: "joined", nonce: "k" },
      { ...base, event: "left" },
      { ...base, nonce: "" },
      { ...base, extra: 1, id: "1-0", ts: 5 },
      { ...base, system: false },
      { ...base, system: "true" },
      { ...base, event: "kicked" },
      { ...base, event: "" },
      { ...base, nonce: 7 },
      { ...base, nonce: null },
      { ...base, text: 1 },
      { ...base, room: undefined },
      { clientId: "c", name: "N", text: "hi" },
      {},
    ];
    for (const v of variants) {
      const plain = plainStoredMessage(v);
      const parsed = storedMessageSchema.safeParse(v);
      if (plain === undefined) continue;
      assert.ok(parsed.success, `the schema refuses ${JSON.stringify(v)}`);
      assert.equal(JSON.stringify(plain), JSON.stringify(parsed.data), JSON.stringify(v));
    }
    assert.equal(variants.filter((v) => plainStoredMessage(v) !== undefined).length, 5);
  });

  it("events carry their origin", () => {
    const e = { kind: "destroyed" as const, room: "r", reason: "expired" as const };
    assert.deepEqual(decodeEvent(["d", encodeEvent(e), "o", "inst-1"]), { event: e, origin: "inst-1" });
  });
});

describe("reconnect backoff", () => {
  it("grows exponentially, jittered, capped at 2 s", () => {
    for (let attempt = 1; attempt < 40; attempt++) {
      const ms = backoffMs(attempt);
      const base = Math.min(2000, 50 * 2 ** (attempt - 1));
      assert.ok(ms >= base / 2 && ms <= base, `attempt ${attempt}: ${ms}`);
    }
  });

  it("the message an append returns is exactly what reading its entry back gives", () => {
    const drafts = [
      { room: "r", clientId: "c1", name: "Ann", text: "hi", nonce: "n1" },
      { room: "r", clientId: "c1", name: "Ann", text: "Ann joined", system: true as const, event: "joined" as const },
    ];
    for (const draft of drafts) {
      const id = "1700000000123-4";
      assert.deepEqual(storedMessage(draft, id), decodeMessage("r", id, ["d", encodeDraft(draft), "o", "inst"]));
    }
  });
});
