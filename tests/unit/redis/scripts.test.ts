import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import Redis from "ioredis";
import { allRoomKeys, roomKeyList, roomKeys } from "../../../lib/redis/keys";
import { defineScripts } from "../../../lib/redis/scripts";
import { APPEND_KEYS, type AppendReply, HISTORY_KEYS } from "../../../lib/redis/scripts/messages";
import { LIST_KEYS } from "../../../lib/redis/scripts/presence";
import { startRedis } from "../../helpers/redis-server";

/** The Lua scripts as typed ioredis commands, against a real redis-server that has never loaded them. */

describe("redis scripts", async () => {
  const redis = await startRedis();
  const skip = redis ? false : "redis-server not found";
  let client: Redis;
  let seq = 0;

  async function privateRoom(expiresAt = Date.now() + 60_000): Promise<string> {
    const room = `s${++seq}${Date.now().toString(36)}`;
    const meta = roomKeys(room).meta;
    await client.hset(meta, { capacity: 2, expiresAt, createdAt: Date.now() });
    await client.pexpireat(meta, expiresAt);
    return room;
  }

  before(async () => {
    if (!redis) return;
    client = new Redis(redis.url);
    defineScripts(client);
  });

  after(async () => {
    if (!redis) return;
    await client.quit();
    await redis.stop();
  });

  it("defineScripts is idempotent", { skip }, () => {
    const append = client.flareAppend;
    defineScripts(client);
    assert.equal(client.flareAppend, append);
  });

  it("a script called directly replies with its declared shape", { skip }, async () => {
    const room = await privateRoom();
    const keys = roomKeyList(room, APPEND_KEYS);
    const stored: AppendReply = await client.flareAppend(...keys, room, 600_000, 100, "c1\nn1", "{}", "inst");
    assert.equal(stored[0], 0);
    assert.match(stored[1], /^\d+-\d+$/);
    const again = await client.flareAppend(...keys, room, 600_000, 100, "c1\nn1", "{}", "inst");
    assert.deepEqual(again, [1, stored[1], ["d", "{}", "o", "inst"]]);
  });

  it("scripts run in order inside a pipeline, and inside a MULTI", { skip }, async () => {
    const expiresAt = Date.now() + 60_000;
    const room = await privateRoom(expiresAt);
    const keys = allRoomKeys(room);
    const { meta, seats, messages, events } = roomKeys(room);
    // Twice: a script's first use on a connection goes as EVAL, later ones as EVALSHA.
    for (const seated of [1, 2]) {
      const piped = await client
        .pipeline()
        .flareClaimSeat(meta, seats, "", `seat-${seated}`)
        .flareAppend(...roomKeyList(room, APPEND_KEYS), room, 600_000, 100, "", `{"n":${seated}}`, "inst")
        .flareHistory(...roomKeyList(room, HISTORY_KEYS), "", 1)
        .exec();
      const newest = await client.xrevrange(messages, "+", "-", "COUNT", 1);
      assert.deepEqual(newest[0]?.[1], ["d", `{"n":${seated}}`, "o", "inst"]);
      assert.deepEqual(piped, [
        [null, [2, 2, seated, expiresAt]],
        [null, [0, newest[0]?.[0]]],
        [null, [1, newest]],
      ]);
    }

    const atomic = await client
      .multi()
      .flarePublish(...keys, room, 100, "{}", "inst")
      .flarePresenceList(...roomKeyList(room, LIST_KEYS), 1000)
      .exec();
    assert.ok(atomic);
    assert.equal(atomic[0]?.[0], null);
    assert.match(String(atomic[0]?.[1]), /^\d+-\d+$/);
    assert.deepEqual(atomic[1], [null, [0, [], []]], "an empty room: count 0, no clientIds, no names");
    assert.equal(await client.xlen(events), 1);
  });

  it("a script's ROOM_NOT_FOUND comes back as that pipeline entry's error", { skip }, async () => {
    const keys = allRoomKeys("no-such-room");
    const res = await client
      .pipeline()
      .flarePublish(...keys, "no-such-room", 100, "{}", "inst")
      .ping()
      .exec();
    assert.match(String(res?.[0]?.[0]), /ROOM_NOT_FOUND/);
    assert.deepEqual(res?.[1], [null, "PONG"]);
  });
});
