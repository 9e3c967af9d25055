import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import type { MessageDraft } from "../../lib/bus/types";
import { HISTORY_MAX_BYTES, HISTORY_ON_JOIN, ROOM_RETAINS } from "../../lib/protocol";
import { clusterSetup, memorySetup, redisSetup, type BusSetup } from "../helpers/bus-setups";
import { follow, recorder } from "../helpers/feed-recorder";
import { eventually } from "../helpers/wait";

/** Bounded input on both buses: the nonce record outlives trimming; a resume never exceeds its byte budget. */

const draft = (room: string, text: string, nonce?: string): MessageDraft => ({
  room,
  clientId: "c1",
  name: "Swift Otter",
  text,
  ...(nonce !== undefined ? { nonce } : {}),
});

/** 1000 code points of 4 UTF-8 bytes each: the largest text the contract allows, ~4 KB of JSON. */
const BIG_TEXT = "😀".repeat(1000);

function sharedTests(setup: () => BusSetup | undefined, skip: string | false): void {
  it("a resend after 1000+ newer messages is acked with the first id and stored nothing", { skip }, async () => {
    const s = setup();
    assert.ok(s);
    const room = await s.room();
    const first = await s.a.append(draft(room, "hello", "n1"));
    for (let i = 0; i < ROOM_RETAINS + 100; i++) await s.a.append(draft(room, `m${i}`));
    const newest = (await s.b.history(room, undefined, 1)).messages[0];
    assert.equal((await s.b.range(room, { start: first.message.id, end: first.message.id, limit: 1 })).length, 0);

    const again = await s.b.append(draft(room, "hello", "n1"));
    assert.equal(again.duplicate, true);
    assert.equal(again.message.id, first.message.id);
    assert.equal(again.message.text, "hello");
    assert.deepEqual((await s.a.history(room, undefined, 1)).messages[0], newest, "nothing new stored");
  });

  it(`a resume over ${HISTORY_MAX_BYTES / 1024} KiB falls back to reset with the newest 50`, { skip }, async () => {
    const s = setup();
    assert.ok(s);
    const room = await s.room();
    const ids: string[] = [];
    for (let i = 0; i < 100; i++) ids.push((await s.a.append(draft(room, `${i} ${BIG_TEXT}`))).message.id);

    const far = recorder();
    const closeFar = await follow(s.b, room, ids[0], far);
    assert.equal(far.histories[0]?.reset, true);
    assert.deepEqual(
      far.histories[0]?.messages.map((m) => m.id),
      ids.slice(-HISTORY_ON_JOIN),
    );
    closeFar();

    // 59 large messages (~240 KB) still fit, and come as a resume.
    const near = recorder();
    const closeNear = await follow(s.b, room, ids[40], near);
    assert.equal(near.histories[0]?.reset, false);
    assert.deepEqual(
      near.histories[0]?.messages.map((m) => m.id),
      ids.slice(41),
    );
    assert.ok(Buffer.byteLength(JSON.stringify(near.histories[0]?.messages)) <= HISTORY_MAX_BYTES);

    closeNear();

    // A reader reset by size goes on live right after the newest message.
    const resumed = recorder();
    const close = await follow(s.b, room, ids[0], resumed);
    const live = await s.a.append(draft(room, "live"));
    await eventually(() => resumed.messages.at(-1)?.id === live.message.id, 3000, "the live message");
    assert.deepEqual(
      resumed.messages.map((m) => m.id),
      [...ids.slice(-HISTORY_ON_JOIN), live.message.id],
    );
    close();
  });
}

describe("bounds over memory", () => {
  const setup = memorySetup();
  after(() => setup.close());
  sharedTests(() => setup, false);
});

describe("bounds over Redis", async () => {
  const redis = await redisSetup();
  after(() => redis?.close());
  sharedTests(() => redis, redis ? false : "redis-server not found");
});

describe("bounds over Redis Cluster", async () => {
  const cluster = await clusterSetup();
  after(() => cluster?.close());
  sharedTests(() => cluster, cluster ? false : "redis-server or redis-cli not found");
});
