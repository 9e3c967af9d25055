import assert from "node:assert/strict";
import { after, describe, it, type TestContext } from "node:test";
import type Redis from "ioredis";
import type { Bus } from "../../lib/bus/types";
import { PRESENCE_MAX_USERS } from "../../lib/protocol";
import { INSTANCES_KEY, instanceRoomsKey, roomKeys, SWEEPING_KEY } from "../../lib/redis/keys";
import { clusterSetup, memorySetup, redisSetup, type BusSetup } from "../helpers/bus-setups";
import { sleep } from "../helpers/wait";

/** Bounded presence (contract v1.1 rule 2) on both buses, and its O(1) cost per change in Redis. */

const PRESENCE_TTL_MS = 1000;

const id = (i: number) => `c${String(i).padStart(4, "0")}`;

/**
 * `n` clients, each with one connection, joining one after another (names in the reverse order).
 * One at a time: concurrent commands have no order on a cluster (one may wait for its node's
 * connection or a redirect), and "who came first" is what the tests check.
 */
async function fill(bus: Bus, room: string, n: number, from = 0): Promise<void> {
  for (let i = from; i < from + n; i++)
    await bus.presence.add(room, { connectionId: `k${i}`, clientId: id(i), name: `User ${9999 - i}` });
}

/** What both buses must do alike; `setup` is undefined when its server is missing (then skipped). */
function sharedTests(setup: () => BusSetup | undefined, skip: string | false): void {
  it(`lists the ${PRESENCE_MAX_USERS} that came first, ordered by name; count stays exact`, { skip }, async () => {
    const s = setup();
    assert.ok(s);
    const room = await s.room();
    await fill(s.a, room, 150);
    await s.b.presence.add(room, { connectionId: "k0-again", clientId: id(0), name: "User 9999" });

    const first = await s.b.presence.list(room);
    assert.equal(first.count, 150);
    assert.equal(first.users.length, PRESENCE_MAX_USERS);
    const expected = Array.from({ length: PRESENCE_MAX_USERS }, (_, i) => id(i));
    assert.deepEqual(first.users.map((u) => u.clientId).sort(), expected);
    const names = first.users.map((u) => u.name);
    assert.deepEqual(names, [...names].sort(), "ordered by name");

    // c0000 keeps its place while one of its two connections is left; c0005 leaving lets c0100 in.
    await s.a.presence.remove(room, "k0");
    await s.a.presence.remove(room, "k5");
    const second = await s.a.presence.list(room);
    assert.equal(second.count, 149);
    const ids = new Set(second.users.map((u) => u.clientId));
    assert.ok(ids.has(id(0)) && !ids.has(id(5)) && ids.has(id(100)) && !ids.has(id(101)));
    assert.equal(await s.a.presence.settleLeave(room, id(0)), false, "c0000 is still online");
    assert.equal(await s.a.presence.settleLeave(room, id(5)), true);

    // An add answers what a list right after it would: the joiner's frame needs no read of its own.
    const { presence } = await s.b.presence.add(room, { connectionId: "k150", clientId: id(150), name: "A First" });
    assert.deepEqual(presence, await s.a.presence.list(room));
    assert.equal(presence.count, 150);
  });

  it("a tab that rejoins under a new name is listed under it before its old connection closes", { skip }, async () => {
    const s = setup();
    assert.ok(s);
    const room = await s.room();
    await s.a.presence.add(room, { connectionId: "r1", clientId: "cr", name: "Brave Badger" });
    await s.b.presence.add(room, { connectionId: "r2", clientId: "cr", name: "Quiet Quokka" });
    assert.deepEqual(await s.a.presence.list(room), { count: 1, users: [{ clientId: "cr", name: "Quiet Quokka" }] });
    await s.a.presence.remove(room, "r1");
    assert.deepEqual(await s.b.presence.list(room), { count: 1, users: [{ clientId: "cr", name: "Quiet Quokka" }] });
  });

  it("a clientId that comes back is listed again under its new first connection", { skip }, async () => {
    const s = setup();
    assert.ok(s);
    const room = await s.room();
    await s.a.presence.add(room, { connectionId: "x1", clientId: "cx", name: "Xan" });
    await s.a.presence.remove(room, "x1");
    await s.a.presence.remove(room, "x1"); // a late second removal changes nothing
    assert.deepEqual(await s.b.presence.list(room), { count: 0, users: [] });
    await s.b.presence.add(room, { connectionId: "x2", clientId: "cx", name: "Xan" });
    assert.deepEqual(await s.a.presence.list(room), { count: 1, users: [{ clientId: "cx", name: "Xan" }] });
  });
}

describe("presence over memory", () => {
  const setup = memorySetup();
  after(() => setup.close());
  sharedTests(() => setup, false);

  it("one instance: a beat has nobody to sweep and never revives", async () => {
    const room = await setup.room();
    await setup.a.presence.add(room, { connectionId: "m1", clientId: "cm", name: "Mo" });
    assert.deepEqual(await setup.a.presence.beat(new Set([room])), { revived: false, swept: [] });
    assert.equal((await setup.a.presence.list(room)).count, 1);
  });
});

describe("presence over Redis", async () => {
  const redis = await redisSetup(PRESENCE_TTL_MS);
  const skip = redis ? false : "redis-server not found";
  after(() => redis?.close());
  sharedTests(() => redis, skip);

  /** Commands Redis ran (inside scripts too) while `fn` ran, apart from the connections' own upkeep. */
  async function commandsRun(admin: Redis, fn: () => Promise<unknown>): Promise<number> {
    await admin.config("RESETSTAT");
    await fn();
    const info = await admin.info("commandstats");
    let calls = 0;
    for (const [, name, n] of info.matchAll(/^cmdstat_([a-z|]+):calls=(\d+)/gm)) {
      if (!["config", "info", "ping", "xread", "client"].includes(name!)) calls += Number(n);
    }
    return calls;
  }

  /** One person's whole visit: two tabs join, the presence list is read, both close, "left" is settled. */
  const visit = (bus: Bus, room: string, who: string) => async () => {
    await bus.presence.add(room, { connectionId: `${who}-1`, clientId: who, name: "Visitor" });
    await bus.presence.add(room, { connectionId: `${who}-2`, clientId: who, name: "Visitor" });
    await bus.presence.list(room);
    await bus.presence.remove(room, `${who}-1`);
    await bus.presence.remove(room, `${who}-2`);
    assert.equal(await bus.presence.settleLeave(room, who), true);
  };

  it("a change costs the same number of Redis commands in a room of 5 as in one of 3000", { skip }, async (t) => {
    assert.ok(redis?.admin);
    const small = await redis.room();
    const big = await redis.room();
    await fill(redis.a, small, 5);
    await fill(redis.a, big, 3000);
    const inSmall = await commandsRun(redis.admin, visit(redis.b, small, "v1"));
    const inBig = await commandsRun(redis.admin, visit(redis.b, big, "v2"));
    t.diagnostic(`commands per visit: ${inSmall} (5 online), ${inBig} (3000 online)`);
    assert.equal(inBig, inSmall);
    assert.ok(inSmall < 80, `${inSmall} commands`);
  });

  // Last: their beats take the instances above for dead and sweep them.
  livenessTests(() => redis, skip);
});

/**
 * Liveness is per instance (lib/bus/redis/liveness.ts): an instance that stops beating for the TTL
 * is swept by exactly one survivor, whatever its rooms. Fresh instances per test, so no beat of
 * another test's instances claims or revives them.
 */
function livenessTests(setup: () => BusSetup | undefined, skip: string | false): void {
  const instances = (t: TestContext, names: string[]) => {
    const s = setup();
    assert.ok(s?.open && s.admin);
    const buses = names.map((n) => s.open!(`${n}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`));
    t.after(() => Promise.all(buses.map((b) => b.close())));
    return { s, admin: s.admin, buses };
  };
  const ann = { connectionId: "a1", clientId: "ca", name: "Ann" };
  const bob1 = { connectionId: "b1", clientId: "cb", name: "Bob" };
  const bob2 = { connectionId: "b2", clientId: "cb", name: "Bob" };

  it("a crashed instance's entries are swept by one survivor's beat, each user returned once", { skip }, async (t) => {
    const { s, admin, buses } = instances(t, ["x", "y"]);
    const [x, y] = buses as [Bus, Bus];
    const room = await s.room();
    const k = roomKeys(room);
    await x.presence.add(room, ann);
    await fill(y, room, 1100);
    await y.presence.add(room, bob1);
    await y.presence.add(room, bob2);
    const dead = Number(await admin.zscore(k.presence, "b1"));
    assert.deepEqual(await admin.smembers(instanceRoomsKey(dead)), [room]);
    await sleep(PRESENCE_TTL_MS + 200); // y "crashed": it beats no more
    assert.equal((await x.presence.list(room)).count, 1102, "its users count until swept");
    assert.equal(await x.presence.settleLeave(room, "cb"), false, "and do not leave");

    const beat = await x.presence.beat(new Set([room]));
    assert.equal(beat.revived, false);
    const users = beat.swept.find((r) => r.room === room)?.users ?? [];
    assert.equal(users.length, 1101, "1100 filled, and Bob once for his two connections");
    assert.deepEqual(
      users.filter((u) => u.clientId === "cb"),
      [{ clientId: "cb", name: "Bob" }],
    );
    const again = await x.presence.beat(new Set([room]));
    assert.ok(!again.swept.some((r) => r.room === room), "swept once");
    assert.deepEqual(await x.presence.list(room), { count: 1, users: [{ clientId: "ca", name: "Ann" }] });
    assert.equal(await x.presence.settleLeave(room, "cb"), true);
    assert.equal(await admin.hlen(k.conns), 1);
    assert.equal(await admin.hlen(k.clients), 1);
    assert.equal(await admin.exists(instanceRoomsKey(dead)), 0, "its room list goes with it");
    assert.equal(await admin.zscore(SWEEPING_KEY, String(dead)), null);
  });

  it("an instance that was only stalled finds itself swept and puts its entries back", { skip }, async (t) => {
    const { s, admin, buses } = instances(t, ["x", "y"]);
    const [x, y] = buses as [Bus, Bus];
    const room = await s.room();
    await x.presence.add(room, ann);
    await y.presence.add(room, bob1);
    const before = await admin.zscore(roomKeys(room).presence, "b1");
    await sleep(PRESENCE_TTL_MS + 200);
    const swept = (await x.presence.beat(new Set([room]))).swept.filter((r) => r.room === room);
    assert.deepEqual(swept, [{ room, users: [{ clientId: "cb", name: "Bob" }] }]);

    assert.equal((await y.presence.beat(new Set([room]))).revived, true);
    await y.presence.refresh(room, [bob1]);
    assert.equal((await x.presence.list(room)).count, 2);
    const after = await admin.zscore(roomKeys(room).presence, "b1");
    assert.notEqual(after, before, "under a new incarnation");
    assert.equal((await y.presence.beat(new Set([room]))).revived, false);
    assert.equal(await admin.zscore(INSTANCES_KEY, String(before)), null, "the old one is not listed again");
  });

  it("a revived instance with nobody in any room is listed at once and revives once", { skip }, async (t) => {
    const { buses } = instances(t, ["x", "z"]);
    const [x, z] = buses as [Bus, Bus];
    await z.presence.beat(new Set());
    await sleep(PRESENCE_TTL_MS + 200);
    await x.presence.beat(new Set());
    assert.equal((await z.presence.beat(new Set())).revived, true);
    assert.equal((await z.presence.beat(new Set())).revived, false);
  });

  it("a sweep whose sweeper died too is claimed again a TTL later", { skip }, async (t) => {
    const { s, admin, buses } = instances(t, ["x", "y"]);
    const [x, y] = buses as [Bus, Bus];
    const room = await s.room();
    await y.presence.add(room, bob1);
    const dead = String(await admin.zscore(roomKeys(room).presence, "b1"));
    // Claimed 5 s ago by an instance that then crashed before sweeping.
    await admin.zrem(INSTANCES_KEY, dead);
    await admin.zadd(SWEEPING_KEY, Date.now() - 5000, dead);
    const beat = await x.presence.beat(new Set());
    assert.deepEqual(
      beat.swept.filter((r) => r.room === room),
      [{ room, users: [{ clientId: "cb", name: "Bob" }] }],
    );
    assert.equal((await x.presence.list(room)).count, 0);
  });

  it("an instance's room list follows the rooms it holds", { skip }, async (t) => {
    const { s, admin, buses } = instances(t, ["x"]);
    const [x] = buses as [Bus];
    const [r1, r2] = [await s.room(), await s.room()];
    await x.presence.add(r1, ann);
    await x.presence.add(r2, { ...ann, connectionId: "a2" });
    const incarnation = Number(await admin.zscore(roomKeys(r1).presence, "a1"));
    assert.deepEqual((await admin.smembers(instanceRoomsKey(incarnation))).sort(), [r1, r2].sort());
    await x.presence.beat(new Set([r1]));
    assert.deepEqual(await admin.smembers(instanceRoomsKey(incarnation)), [r1]);
  });

  it("a refresh puts this instance's connections back after Redis lost them", { skip }, async (t) => {
    const { s, admin, buses } = instances(t, ["x"]);
    const [x] = buses as [Bus];
    const room = await s.room();
    const mine = [ann, { ...ann, connectionId: "a2" }];
    for (const e of mine) await x.presence.add(room, e);
    const k = roomKeys(room);
    await admin.del(k.presence, k.conns, k.clients, k.online, k.names);
    assert.equal((await x.presence.list(room)).count, 0);
    await x.presence.refresh(room, mine);
    assert.deepEqual(await s.b.presence.list(room), { count: 1, users: [{ clientId: "ca", name: "Ann" }] });
    await x.presence.remove(room, "a1");
    await x.presence.remove(room, "a2");
    assert.equal((await s.b.presence.list(room)).count, 0);
  });
}

describe("presence over Redis Cluster", async () => {
  const cluster = await clusterSetup(PRESENCE_TTL_MS);
  after(() => cluster?.close());
  const skip = cluster ? false : "redis-server or redis-cli not found";
  sharedTests(() => cluster, skip);
  // Last: their beats take the instances above for dead and sweep them.
  livenessTests(() => cluster, skip);
});
