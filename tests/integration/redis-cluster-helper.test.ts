import assert from "node:assert/strict";
import { createConnection } from "node:net";
import { after, before, describe, it } from "node:test";
import { roomSlot, slotOwner, slotRanges, moveSlot } from "../helpers/cluster-slots";
import { CLUSTER_SLOTS, startRedisCluster, type RedisCluster } from "../helpers/redis-cluster";
import { skipUnless } from "../helpers/skip";
import { eventually } from "../helpers/wait";

const skip = skipUnless("redis-server", "Redis Cluster") || skipUnless("redis-cli", "Redis Cluster");

describe("the Redis Cluster test helper", { skip }, () => {
  let cluster: RedisCluster | undefined;
  before(async () => {
    cluster = await startRedisCluster({ masters: 3 });
  });
  after(() => cluster?.stop());

  it("forms 3 masters whose slot ranges cover all 16384 slots without overlap", async () => {
    const c = cluster!;
    assert.equal(c.nodes.length, 3);
    assert.deepEqual(
      c.nodes.map((n) => n.role),
      ["master", "master", "master"],
    );
    assert.match(c.url, /^redis\+cluster:\/\/127\.0\.0\.1:\d+,127\.0\.0\.1:\d+,127\.0\.0\.1:\d+$/);
    const ranges = (await slotRanges(c)).sort((x, y) => x.from - y.from);
    assert.equal(new Set(ranges.map((r) => r.master)).size, 3, "slots spread over the 3 masters");
    let next = 0;
    for (const r of ranges) {
      assert.equal(r.from, next, "contiguous, no gap or overlap");
      next = r.to + 1;
    }
    assert.equal(next, CLUSTER_SLOTS);
    for (const n of c.nodes) assert.match(await c.admin(n.port).cluster("INFO"), /cluster_state:ok/);
  });

  it("moves a slot with its keys to another master, after which the old owner answers MOVED", async () => {
    const c = cluster!;
    const slot = await roomSlot(c, "helper-room");
    const from = await slotOwner(c, slot);
    const key = "flare:{helper-room}:messages";
    await c.admin(from).xadd(key, "*", "text", "moved with its slot");
    const to = c.nodes.find((n) => n.port !== from)!.port;
    const moved = await moveSlot(c, slot, to);
    assert.deepEqual(moved, { from, keysMoved: 1 });
    await eventually(async () => (await slotOwner(c, slot)) === to, 5000, "every node to agree on the new owner");
    assert.equal(await c.admin(to).xlen(key), 1);
    await assert.rejects(c.admin(from).xlen(key), /MOVED/);
  });

  it("stop kills every node and can be called twice", async () => {
    const c = cluster!;
    const ports = c.alive();
    await c.stop();
    await c.stop();
    assert.deepEqual(c.alive(), []);
    for (const port of ports) {
      const refused = await new Promise<boolean>((resolve) => {
        const s = createConnection({ port, host: "127.0.0.1" }, () => {
          s.end();
          resolve(false);
        });
        s.on("error", () => resolve(true));
      });
      assert.ok(refused, `port ${port} closed`);
    }
  });
});

describe("the Redis Cluster test helper, with replicas", { skip }, () => {
  let cluster: RedisCluster | undefined;
  before(async () => {
    cluster = await startRedisCluster({ masters: 3, replicas: 1 });
  });
  after(() => cluster?.stop());

  it("gives every master one replica in sync, and a killed master's replica takes its slots over", async () => {
    const c = cluster!;
    assert.deepEqual(c.nodes.map((n) => n.role).sort(), [
      "master",
      "master",
      "master",
      "replica",
      "replica",
      "replica",
    ]);
    const ranges = await slotRanges(c);
    for (const r of ranges) assert.equal(r.replicas.length, 1, `one replica for ${r.from}-${r.to}`);
    const victim = ranges[0]!;
    await c.killNode(victim.master);
    assert.ok(!c.alive().includes(victim.master));
    await eventually(
      async () => (await slotOwner(c, victim.from)) === victim.replicas[0],
      15_000,
      "the replica to be promoted",
    );
  });
});
