import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import type Redis from "ioredis";
import type { Bus } from "../../lib/bus/types";
import { PRESENCE_MAX_USERS } from "../../lib/protocol";
import { roomKeys } from "../../lib/redis/keys";
import { clusterSetup, memorySetup, redisSetup, type BusSetup } from "../helpers/bus-setups";
import { sleep } from "../helpers/wait";

/** Bounded presence (contract v1.1 rule 2) on both buses, and its O(1) cost per change in Redis. */

const PRESENCE_TTL_MS = 1000;

const id = (i: number) => `c${String(i).padStart(4, "0")}`;

/** `n` clients, each with one connection, joining one after another (names in the reverse order). */
async function fill(bus: Bus, room: string, n: number, from = 0): Promise<void> {
  for (let start = from; start < from + n; start += 200) {
    const batch = [];
    for (let i = start; i < Math.min(start + 200, from + n); i++)
      batch.push(bus.presence.add(room, { connectionId: `k${i}`, clientId: id(i), name: `User ${9999 - i}` }));
    await Promise.all(batch);
  }
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

  it("a crashed instance's connections are swept over heartbeats, each returned once", { skip }, async () => {
    assert.ok(redis?.admin);
    const room = await redis.room();
    const mine = { connectionId: "a1", clientId: "ca", name: "Ann" };
    await redis.a.presence.add(room, mine);
    await fill(redis.b, room, 1100);
    await redis.b.presence.add(room, { connectionId: "b1", clientId: "cb", name: "Bob" });
    await redis.b.presence.add(room, { connectionId: "b2", clientId: "cb", name: "Bob" });
    await sleep(PRESENCE_TTL_MS + 200); // b "crashed": its entries are no longer refreshed
    assert.deepEqual(await redis.a.presence.heartbeat(room, [mine]).then((p) => p.length), 1000, "oldest 1000");
    assert.equal((await redis.a.presence.list(room)).count, 102);
    assert.equal(await redis.a.presence.settleLeave(room, "cb"), false, "cb's connections are not swept yet");
    const rest = await redis.a.presence.heartbeat(room, [mine]);
    assert.equal(rest.length, 101);
    assert.deepEqual(
      rest.filter((u) => u.clientId === "cb"),
      [{ clientId: "cb", name: "Bob" }],
      "one user for two connections",
    );
    assert.deepEqual(await redis.b.presence.heartbeat(room, []), [], "only the sweeping instance gets them");
    assert.deepEqual(await redis.b.presence.list(room), { count: 1, users: [{ clientId: "ca", name: "Ann" }] });
    assert.equal(await redis.a.presence.settleLeave(room, "cb"), true);
    const k = roomKeys(room);
    assert.equal(await redis.admin.hlen(k.conns), 1);
    assert.equal(await redis.admin.hlen(k.clients), 1);
    assert.equal(await redis.admin.hlen(k.names), 1);
  });

  it("a heartbeat puts this instance's connections back after Redis lost them", { skip }, async () => {
    assert.ok(redis?.admin);
    const room = await redis.room();
    const mine = [
      { connectionId: "a1", clientId: "ca", name: "Ann" },
      { connectionId: "a2", clientId: "ca", name: "Ann" },
    ];
    for (const e of mine) await redis.a.presence.add(room, e);
    const k = roomKeys(room);
    await redis.admin.del(k.presence, k.conns, k.clients, k.online, k.names);
    assert.equal((await redis.b.presence.list(room)).count, 0);
    await redis.a.presence.heartbeat(room, mine);
    assert.deepEqual(await redis.b.presence.list(room), { count: 1, users: [{ clientId: "ca", name: "Ann" }] });
    await redis.a.presence.remove(room, "a1");
    await redis.a.presence.remove(room, "a2");
    assert.equal((await redis.b.presence.list(room)).count, 0);
  });
});

describe("presence over Redis Cluster", async () => {
  const cluster = await clusterSetup(PRESENCE_TTL_MS);
  after(() => cluster?.close());
  sharedTests(() => cluster, cluster ? false : "redis-server or redis-cli not found");
});
