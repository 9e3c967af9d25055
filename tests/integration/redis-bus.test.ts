import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import Redis from "ioredis";
import { RedisBus } from "../../lib/bus/redis/redis-bus";
import { isFlareError } from "../../lib/protocol";
import { compareIds } from "../../lib/protocol";
import { allRoomKeys, roomKeys } from "../../lib/redis/keys";
import { LOBBY_TTL_MS } from "../../lib/redis/scripts/prelude";
import { follow, recorder } from "../helpers/feed-recorder";
import { eventually, sleep } from "../helpers/wait";
import { startRedis, type RedisServer } from "../helpers/redis-server";

const RETENTION = { maxLength: 1000, expireAfterSecs: 60 };

/** Bus-level tests against a real redis-server: two RedisBus objects are two instances. */

let roomSeq = 0;
const draft = (room: string, text: string, extra: Partial<{ clientId: string; nonce: string }> = {}) => ({
  room,
  clientId: extra.clientId ?? "c1",
  name: "Swift Otter",
  text,
  ...(extra.nonce !== undefined ? { nonce: extra.nonce } : {}),
});

async function expectCode(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => isFlareError(e) && e.code === code);
}

/** A private room as the rooms work will create it: a `:meta` hash that expires at the room's expiry. */
async function makePrivateRoom(admin: Redis, expiresAt: number): Promise<string> {
  // Shaped like a real room id (21+ characters), so its name is also its room channel's.
  const room = `r${++roomSeq}${Date.now().toString(36)}`.padEnd(21, "x");
  const meta = roomKeys(room).meta;
  await admin.hset(meta, "expiresAt", String(expiresAt), "capacity", "2", "createdAt", String(Date.now()));
  await admin.pexpireat(meta, expiresAt);
  return room;
}

/** Two RedisBus objects on one Redis: two instances in this process. */
function twoInstances(redis: RedisServer, prefix: string, presenceTtlMs: number): [RedisBus, RedisBus] {
  const open = (name: string) => new RedisBus({ url: redis.url, instanceId: `${prefix}-${name}`, presenceTtlMs });
  return [open("a"), open("b")];
}

async function stopAll(redis: RedisServer, ...buses: RedisBus[]): Promise<void> {
  await Promise.all(buses.map((bus) => bus.close()));
  await redis.stop();
}

describe("RedisBus", async () => {
  const redis = await startRedis();
  const skip = redis ? false : "redis-server not found";
  let a: RedisBus;
  let b: RedisBus;
  let admin: Redis;

  before(async () => {
    if (!redis) return;
    admin = new Redis(redis.url);
    [a, b] = twoInstances(redis, "inst", 1000);
  });

  after(async () => {
    if (!redis) return;
    await admin.quit();
    await stopAll(redis, a, b);
  });

  /** A new private room followed on both instances, their readers past a first message (events cursors resolved). */
  async function followedOnBoth() {
    const room = await makePrivateRoom(admin, Date.now() + 60_000);
    const ra = recorder();
    const rb = recorder();
    const offA = await follow(a, room, undefined, ra);
    const offB = await follow(b, room, undefined, rb);
    const off = () => {
      offA();
      offB();
    };
    try {
      await a.append(draft(room, "warm up"));
      await eventually(() => ra.messages.length === 1 && rb.messages.length === 1, 3000, "warm up");
    } catch (e) {
      off();
      throw e;
    }
    return { room, ra, rb, off };
  }

  it("append returns stream ids as message ids, ts = the id's ms", { skip }, async () => {
    const room = await makePrivateRoom(admin, Date.now() + 60_000);
    const { message, duplicate } = await a.append(draft(room, "hello"));
    assert.equal(duplicate, false);
    assert.match(message.id, /^\d+-\d+$/);
    assert.equal(message.ts, Number(message.id.split("-")[0]));
    assert.deepEqual(
      { room: message.room, clientId: message.clientId, name: message.name, text: message.text },
      { room, clientId: "c1", name: "Swift Otter", text: "hello" },
    );
    const entries = await admin.xrange(roomKeys(room).messages, "-", "+");
    assert.equal(entries.length, 1);
    assert.equal(entries[0]?.[0], message.id);
    const sys = await a.append({ ...draft(room, "Swift Otter joined"), system: true, event: "joined" });
    assert.equal(sys.message.system, true);
    assert.equal(sys.message.event, "joined");
    assert.ok(compareIds(sys.message.id, message.id) > 0);
  });

  it("a repeated nonce from the same clientId stores nothing and returns the first id", { skip }, async () => {
    const room = await makePrivateRoom(admin, Date.now() + 60_000);
    const first = await a.append(draft(room, "once", { nonce: "n1" }));
    const again = await b.append(draft(room, "once (resent)", { nonce: "n1" }));
    assert.equal(again.duplicate, true);
    assert.equal(again.message.id, first.message.id);
    assert.equal(again.message.text, "once");
    const other = await a.append(draft(room, "other client", { nonce: "n1", clientId: "c2" }));
    assert.equal(other.duplicate, false);
    assert.notEqual(other.message.id, first.message.id);
    assert.equal(await admin.xlen(roomKeys(room).messages), 2);
  });

  it("history: since held → after it; unknown or trimmed since → newest, reset", { skip }, async () => {
    const room = await makePrivateRoom(admin, Date.now() + 60_000);
    const ids: string[] = [];
    for (let i = 0; i < 1150; i++) ids.push((await a.append(draft(room, `m${i}`))).message.id);

    const after = await b.history(room, ids[1140], 50);
    assert.equal(after.reset, false);
    assert.deepEqual(
      after.messages.map((m) => m.id),
      ids.slice(1141),
    );
    const latest = await b.history(room, ids[1149], 50);
    assert.deepEqual(latest, { messages: [], reset: false });

    const none = await b.history(room, undefined, 50);
    assert.equal(none.reset, true);
    assert.deepEqual(
      none.messages.map((m) => m.id),
      ids.slice(-50),
    );
    for (const since of ["1-0", "not-an-id", ids[0]!]) {
      const h = await b.history(room, since, 50);
      assert.equal(h.reset, true, `since ${since}`);
      assert.deepEqual(
        h.messages.map((m) => m.id),
        ids.slice(-50),
      );
    }
    // The stream keeps at least the newest 1000 and trimmed the oldest.
    const len = await admin.xlen(roomKeys(room).messages);
    assert.ok(len >= 1000 && len < 1150, `xlen ${len}`);
    const old = await b.history(room, ids[1150 - 1000], 50);
    assert.equal(old.reset, false);
    assert.equal(old.messages.length, 999);
  });

  it("range: inclusive, limit from start, else newest up to end", { skip }, async () => {
    const room = await makePrivateRoom(admin, Date.now() + 60_000);
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push((await a.append(draft(room, `m${i}`))).message.id);
    const got = async (q: { start?: string; end?: string; limit: number }) => (await b.range(room, q)).map((m) => m.id);
    assert.deepEqual(await got({ limit: 3 }), ids.slice(7));
    assert.deepEqual(await got({ start: ids[2], limit: 3 }), ids.slice(2, 5));
    assert.deepEqual(await got({ end: ids[5], limit: 3 }), ids.slice(3, 6));
    assert.deepEqual(await got({ start: ids[2], end: ids[4], limit: 100 }), ids.slice(2, 5));
    assert.deepEqual(await got({ start: ids[9], end: ids[0], limit: 100 }), []);
    await expectCode(b.range(room, { start: "nope", limit: 1 }), "bad_request");
  });

  it("two instances see every message once, in the same strictly increasing order", { skip }, async () => {
    const room = await makePrivateRoom(admin, Date.now() + 60_000);
    const ra = recorder();
    const rb = recorder();
    const offA = await follow(a, room, undefined, ra);
    const offB = await follow(b, room, undefined, rb);
    try {
      const writes: Promise<unknown>[] = [];
      for (let i = 0; i < 60; i++) {
        writes.push(a.append(draft(room, `a${i}`, { clientId: "ca" })));
        writes.push(b.append(draft(room, `b${i}`, { clientId: "cb" })));
      }
      await Promise.all(writes);
      await eventually(() => ra.messages.length >= 120 && rb.messages.length >= 120, 5000, "120 messages on both");
      await sleep(100);
      assert.equal(ra.messages.length, 120);
      assert.deepEqual(
        ra.messages.map((m) => m.id),
        rb.messages.map((m) => m.id),
      );
      for (let i = 1; i < ra.messages.length; i++)
        assert.ok(compareIds(ra.messages[i]!.id, ra.messages[i - 1]!.id) > 0);
      const stored = (await admin.xrange(roomKeys(room).messages, "-", "+")).map(([id]) => id);
      assert.deepEqual(
        ra.messages.map((m) => m.id),
        stored,
      );
    } finally {
      offA();
      offB();
    }
  });

  it("a feed starts after `since`, and a second feed of the room gets its own backlog", { skip }, async () => {
    const room = await makePrivateRoom(admin, Date.now() + 60_000);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await a.append(draft(room, `m${i}`))).message.id);
    const r1 = recorder();
    const off1 = await follow(a, room, ids[3]!, r1);
    await eventually(() => r1.messages.length === 1, 3000, "backlog after cursor");
    const r2 = recorder();
    const off2 = await follow(a, room, ids[1]!, r2);
    await eventually(() => r2.messages.length === 3, 3000, "second subscription's backlog");
    const next = await b.append(draft(room, "live"));
    await eventually(() => r1.messages.length === 2 && r2.messages.length === 4, 3000, "live on both");
    assert.deepEqual(
      r1.messages.map((m) => m.id),
      [ids[4], next.message.id],
    );
    assert.deepEqual(
      r2.messages.map((m) => m.id),
      [ids[2], ids[3], ids[4], next.message.id],
    );
    off1();
    off2();
  });

  it("events are relayed to other instances only; destroyed goes through the control stream", { skip }, async () => {
    const { room, ra, rb, off } = await followedOnBoth();
    try {
      await a.publish({ kind: "typing", room, clientId: "c1", name: "Swift Otter" });
      await b.publish({ kind: "presence", room });
      await eventually(() => rb.events.length === 1 && ra.events.length === 1, 3000, "events");
      assert.deepEqual(rb.events[0], { kind: "typing", room, clientId: "c1", name: "Swift Otter" });
      assert.deepEqual(ra.events[0], { kind: "presence", room });
      await a.publish({ kind: "destroyed", room, reason: "destroyed" });
      await eventually(() => rb.events.length === 2, 3000, "destroyed");
      assert.deepEqual(rb.events[1], { kind: "destroyed", room, reason: "destroyed" });
      await sleep(200);
      assert.equal(ra.events.length, 1, "never echoed to the publisher");
      assert.ok((await admin.xlen("flare:control")) >= 1);
    } finally {
      off();
    }
  });

  it("a presence add or remove tells the other instances in its own round trip", { skip }, async () => {
    const { room, ra, rb, off } = await followedOnBoth();
    try {
      // Loads both scripts (EVALSHA → NOSCRIPT → EVAL) before counting.
      await a.presence.add(room, { connectionId: "k0", clientId: "c0", name: "Amy" });
      await a.presence.remove(room, "k0");
      await eventually(() => rb.events.length === 2, 3000, "warm-up events");
      await admin.config("RESETSTAT");
      await a.presence.add(room, { connectionId: "k1", clientId: "c1", name: "Zed" });
      await eventually(() => rb.events.length === 3, 3000, "add relayed");
      await a.presence.remove(room, "k1");
      await eventually(() => rb.events.length === 4, 3000, "remove relayed");
      assert.deepEqual(
        rb.events,
        Array.from({ length: 4 }, () => ({ kind: "presence", room })),
      );
      const stats = commandStats(String(await admin.info("commandstats")));
      assert.equal(stats.get("evalsha"), 2, "one script each, no separate publish");
      assert.equal(stats.get("xadd"), 2);
      await sleep(200);
      assert.equal(ra.events.length, 0, "never echoed to the instance that changed it");
    } finally {
      off();
    }
  });

  it(
    "a message costs Redis its append script and one notice: no reads, however many rooms are followed",
    { skip },
    async () => {
      const rooms = await Promise.all(Array.from({ length: 200 }, () => makePrivateRoom(admin, Date.now() + 60_000)));
      const busy = rooms[0]!;
      const offs = await Promise.all(rooms.map((room) => follow(a, room, undefined, recorder())));
      const rb = recorder();
      offs.push(await follow(b, busy, undefined, rb));
      try {
        await a.append(draft(busy, "warm up")); // loads the script (EVALSHA → NOSCRIPT → EVAL) before counting
        await eventually(() => rb.messages.length === 1, 3000, "warm up on b");
        await admin.config("RESETSTAT");
        for (let i = 0; i < 50; i++) await a.append(draft(busy, `m${i}`));
        await eventually(() => rb.messages.length === 51, 3000, "50 messages on b");
        const stats = commandStats(String(await admin.info("commandstats")));
        assert.equal(stats.get("evalsha"), 50);
        // One SPUBLISH per message, inside the script; Redis pushes it to the instances subscribed.
        assert.equal(stats.get("spublish"), 50);
        for (const read of ["xread", "xrange", "xrevrange"]) assert.equal(stats.get(read), undefined, `${read} calls`);
      } finally {
        for (const off of offs) off();
      }
    },
  );

  it("a feed opened while another instance appends at full speed misses and doubles nothing", { skip }, async () => {
    const room = await makePrivateRoom(admin, Date.now() + 60_000);
    let writing = true;
    // What was acked, not what the stream holds at the end: at full speed it trims past 1000 entries.
    const acked: string[] = [];
    const writer = (async () => {
      for (let i = 0; writing; i++) {
        const results = await Promise.all([0, 1, 2].map((j) => b.append(draft(room, `w${i}.${j}`))));
        acked.push(...results.map((r) => r.message.id));
      }
    })();
    const recorders = [];
    const offs = [];
    try {
      for (let i = 0; i < 10; i++) {
        await sleep(15);
        const r = recorder();
        recorders.push(r);
        offs.push(await follow(a, room, undefined, r));
      }
      await sleep(50);
    } finally {
      writing = false;
      await writer;
    }
    const stored = acked.sort(compareIds);
    try {
      for (const [i, r] of recorders.entries()) {
        await eventually(() => r.messages.at(-1)?.id === stored.at(-1), 3000, `feed ${i} reaches the end`);
        const ids = r.messages.map((m) => m.id);
        const from = stored.indexOf(ids[0]!);
        assert.ok(from >= 0, `feed ${i} starts inside the stream`);
        assert.deepEqual(ids, stored.slice(from), `feed ${i}: every message after its history, once, in order`);
      }
    } finally {
      for (const off of offs) off();
    }
  });

  it(
    "a feed opened on a reader that follows other rooms gets the next message in < 500 ms (20×)",
    { skip },
    async () => {
      const anchor = await makePrivateRoom(admin, Date.now() + 60_000);
      const offAnchor = await follow(a, anchor, undefined, recorder());
      try {
        await sleep(300); // the reader has caught up the anchor room and is idle
        for (let i = 0; i < 20; i++) {
          const room = await makePrivateRoom(admin, Date.now() + 60_000);
          await sleep(20 + (i % 5) * 7);
          const r = recorder();
          const off = await follow(a, room, undefined, r);
          const t0 = Date.now();
          await b.append(draft(room, `wake ${i}`));
          await eventually(() => r.messages.length === 1, 2000, `message ${i}`);
          const took = Date.now() - t0;
          assert.ok(took < 500, `round ${i} took ${took} ms`);
          off();
        }
      } finally {
        offAnchor();
      }
    },
  );

  it("presence: announce once per clientId, list distinct users, settleLeave exactly once", { skip }, async () => {
    const room = await makePrivateRoom(admin, Date.now() + 60_000);
    const zed = { clientId: "c1", name: "Zed" };
    const amy = { clientId: "c2", name: "Amy" };
    assert.deepEqual(await a.presence.add(room, { connectionId: "k1", ...zed }), {
      announce: true,
      presence: { count: 1, users: [zed] },
    });
    assert.deepEqual(await b.presence.add(room, { connectionId: "k2", ...zed }), {
      announce: false,
      presence: { count: 1, users: [zed] },
    });
    const both = { count: 2, users: [amy, zed] };
    assert.deepEqual(await b.presence.add(room, { connectionId: "k3", ...amy }), { announce: true, presence: both });
    assert.deepEqual(await a.presence.list(room), both);
    await a.presence.remove(room, "k1");
    assert.equal(await a.presence.settleLeave(room, "c1"), false, "k2 still live on b");
    await b.presence.remove(room, "k2");
    const settled = await Promise.all([a.presence.settleLeave(room, "c1"), b.presence.settleLeave(room, "c1")]);
    assert.deepEqual(settled.sort(), [false, true]);
    assert.deepEqual(await a.presence.list(room), { count: 1, users: [amy] });
    assert.equal((await a.presence.add(room, { connectionId: "k4", ...zed })).announce, true);
  });

  it("lobby keys expire 24 h after the last write", { skip }, async () => {
    await a.append(draft("lobby", "hi lobby", { nonce: "lob1" }));
    await a.presence.add("lobby", { connectionId: "l1", clientId: "c1", name: "Zed" });
    await a.publish({ kind: "typing", room: "lobby", clientId: "c1", name: "Zed" });
    await a.channels.emit([{ channel: "lobby", event: "note.posted", data: { n: 1 } }], RETENTION);
    const k = roomKeys("lobby");
    // Every room key but the private room's own (the lobby has no meta and no seats).
    for (const key of allRoomKeys("lobby").filter((key) => key !== k.meta && key !== k.seats)) {
      const ttl = await admin.pttl(key);
      assert.ok(ttl > LOBBY_TTL_MS - 60_000 && ttl <= LOBBY_TTL_MS, `${key} pttl ${ttl}`);
    }
  });

  it(
    "a private room's keys all expire with its meta; once meta is gone writes are room_not_found",
    { skip },
    async () => {
      const expiresAt = Date.now() + 120_000;
      const room = await makePrivateRoom(admin, expiresAt);
      const metaAt = await admin.pexpiretime(roomKeys(room).meta);
      await a.append(draft(room, "hi", { nonce: "x" }));
      await a.presence.add(room, { connectionId: "p1", clientId: "c1", name: "Zed" });
      await a.publish({ kind: "presence", room });
      await a.channels.emit([{ channel: room, event: "note.posted", data: { n: 1 } }], RETENTION);
      // Seats are written by the room store (lib/rooms/redis-store.ts), with the room's expiry.
      await admin.sadd(roomKeys(room).seats, "seat-hash");
      await admin.pexpireat(roomKeys(room).seats, metaAt);
      await a.presence.refresh(room, [{ connectionId: "p1", clientId: "c1", name: "Zed" }]);
      const k = roomKeys(room);
      for (const key of allRoomKeys(room).filter((key) => key !== k.meta)) {
        assert.equal(await admin.pexpiretime(key), metaAt, key);
      }

      await admin.del(k.meta);
      const before = await admin.xlen(k.messages);
      await expectCode(a.append(draft(room, "too late", { nonce: "y" })), "room_not_found");
      await expectCode(a.presence.add(room, { connectionId: "p2", clientId: "c2", name: "Amy" }), "room_not_found");
      await expectCode(a.publish({ kind: "typing", room, clientId: "c1", name: "Zed" }), "room_not_found");
      await expectCode(
        a.channels.emit([{ channel: room, event: "note.posted", data: 2 }], RETENTION),
        "room_not_found",
      );
      assert.equal(await admin.xlen(k.channel), 1);
      assert.equal(await admin.xlen(k.messages), before);
      assert.equal(await admin.hexists(k.nonces, "c1\ny"), 0);
      assert.equal(await admin.zscore(k.presence, "p2"), null);

      // Never created: nothing is written either.
      await expectCode(a.append(draft("no-such-room", "hello?")), "room_not_found");
      assert.equal(await admin.exists(roomKeys("no-such-room").messages), 0);
    },
  );

  it("deleteRoom removes every key of the room", { skip }, async () => {
    const room = await makePrivateRoom(admin, Date.now() + 60_000);
    await a.append(draft(room, "bye", { nonce: "z" }));
    await a.presence.add(room, { connectionId: "d1", clientId: "c1", name: "Zed" });
    await b.deleteRoom(room);
    assert.equal(await admin.exists(...allRoomKeys(room)), 0);
  });

  it("health is ok", { skip }, async () => {
    assert.equal(await a.health(), "ok");
  });

  it(
    "feeds opened while the reader's first connection catches up wait for it, with no listener-leak warning",
    { skip },
    async () => {
      const fresh = new RedisBus({ url: redis!.url, instanceId: "sync-storm", presenceTtlMs: 1000 });
      const leaks: string[] = [];
      const onWarning = (w: Error) => {
        if (w.name === "MaxListenersExceededWarning") leaks.push(w.message);
      };
      process.on("warning", onWarning);
      try {
        const room = await makePrivateRoom(admin, Date.now() + 60_000);
        const first = (await fresh.append(draft(room, "first"))).message.id;
        // The first reader starts the room's tail, and with it the reader's first connection; the
        // next ones arrive before that connection has caught up (a join storm on a new instance).
        await follow(fresh, room, undefined, recorder());
        const readers = Array.from({ length: 20 }, () => recorder());
        await Promise.all(readers.map((r) => follow(fresh, room, undefined, r)));
        const live = (await b.append(draft(room, "live"))).message.id;
        await eventually(() => readers.every((r) => r.messages.length === 2), 3000, "every reader live");
        for (const r of readers)
          assert.deepEqual(
            r.messages.map((m) => m.id),
            [first, live],
          );
        await sleep(10); // a warning is emitted on the next tick
        assert.deepEqual(leaks, []);
      } finally {
        process.off("warning", onWarning);
        await fresh.close();
      }
    },
  );
});

describe("RedisBus when Redis fails", async () => {
  const redis: RedisServer | undefined = await startRedis();
  const skip = redis ? false : "redis-server not found";
  let a: RedisBus;
  let b: RedisBus;

  before(async () => {
    if (!redis) return;
    [a, b] = twoInstances(redis, "fail", 5000);
  });

  after(async () => {
    if (redis) await stopAll(redis, a, b);
  });

  const healthy = (bus: RedisBus) => eventually(async () => (await bus.health()) === "ok", 8000, "health ok");

  it("kill -9: append rejects unavailable within 3 s; health goes down and comes back", { skip }, async () => {
    assert.ok(redis);
    assert.equal(await a.health(), "ok");
    await redis.kill9();
    for (let i = 0; i < 3; i++) {
      const t0 = Date.now();
      await expectCode(a.append(draft("lobby", `while down ${i}`, { nonce: `d${i}` })), "unavailable");
      assert.ok(Date.now() - t0 < 3000, `rejected after ${Date.now() - t0} ms`);
      await sleep(300);
    }
    assert.equal(await a.health(), "down");
    await redis.restart();
    await healthy(a);
    const { message } = await a.append(draft("lobby", "back", { nonce: "d0" }));
    assert.equal(message.text, "back", "nothing was stored while down, so the resend is new");
  });

  it("Redis restarted empty: listeners are reset and new messages flow", { skip }, async () => {
    assert.ok(redis);
    await healthy(a);
    await healthy(b);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await a.append(draft("lobby", `before ${i}`))).message.id);
    const r = recorder();
    const off = await follow(b, "lobby", ids[2]!, r);
    try {
      await sleep(300);
      await redis.restart();
      await eventually(() => r.resets >= 1, 8000, "reset()");
      await healthy(a);
      const after = await a.append(draft("lobby", "after restart"));
      await eventually(() => r.messages.some((m) => m.id === after.message.id), 5000, "message after restart");
      assert.deepEqual(
        r.messages.map((m) => m.text),
        ["after restart"],
      );
    } finally {
      off();
    }
  });
});

/** `INFO commandstats` as command → calls. */
function commandStats(info: string): Map<string, number> {
  const stats = new Map<string, number>();
  for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) stats.set(m[1]!, Number(m[2]));
  return stats;
}
