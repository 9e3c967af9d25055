import assert from "node:assert/strict";
import type { Socket } from "node:net";
import { after, describe, it } from "node:test";
import Redis, { Cluster } from "ioredis";
import { coalesceWrites } from "../../../lib/redis/coalesce-writes";
import { startRedis } from "../../helpers/redis-server";
import { startRedisCluster } from "../../helpers/redis-cluster";

/** Counts the system-call-level writes (`_write` / `_writev`) a socket makes. */
function countWrites(socket: Socket): { calls: number } {
  const counter = { calls: 0 };
  const target = socket as unknown as Record<"_write" | "_writev", ((...a: unknown[]) => void) | undefined>;
  for (const key of ["_write", "_writev"] as const) {
    const original = target[key];
    if (!original) continue;
    target[key] = function (this: unknown, ...a: unknown[]) {
      counter.calls++;
      return original.apply(this, a);
    };
  }
  return counter;
}

function stream(client: Redis): Socket {
  return (client as unknown as { stream: Socket }).stream;
}

describe("coalesceWrites", async () => {
  const redis = await startRedis();
  const skip = redis ? false : "redis-server not found";
  after(async () => {
    await redis?.stop();
  });

  it("writes the commands of one tick in one call, and answers each in order", { skip }, async () => {
    const client = new Redis(redis!.url, { lazyConnect: true });
    coalesceWrites(client);
    try {
      await client.connect();
      const writes = countWrites(stream(client));
      const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => client.echo(`m${i}`)));
      assert.deepEqual(
        replies,
        Array.from({ length: 20 }, (_, i) => `m${i}`),
      );
      assert.equal(writes.calls, 1);
      assert.equal(stream(client).writableCorked, 0, "uncorked once the tick is over");

      // Commands sent from the replies' continuations (the burst case) share a write again.
      writes.calls = 0;
      await Promise.all(
        Array.from({ length: 10 }, async (_, i) => {
          await client.set(`k${i}`, String(i));
          return client.get(`k${i}`);
        }),
      );
      assert.ok(writes.calls <= 3, `${writes.calls} writes for 20 commands in two waves`);
      assert.deepEqual(await client.mget("k0", "k9"), ["0", "9"]);
    } finally {
      client.disconnect();
    }
  });

  it("leaves pipelines, MULTI and a reconnect working", { skip }, async () => {
    const client = new Redis(redis!.url, { lazyConnect: true });
    coalesceWrites(client);
    try {
      await client.connect();
      const [piped, multi] = await Promise.all([
        client.pipeline().set("p", "1").incr("p").exec(),
        client.multi().set("m", "5").incr("m").exec(),
      ]);
      assert.deepEqual(piped, [
        [null, "OK"],
        [null, 2],
      ]);
      assert.deepEqual(multi, [
        [null, "OK"],
        [null, 6],
      ]);
      const before = stream(client);
      client.disconnect(true);
      await new Promise((resolve) => client.once("ready", resolve));
      assert.notEqual(stream(client), before);
      assert.equal(await client.echo("again"), "again");
    } finally {
      client.disconnect();
    }
  });
});

describe("coalesceWrites on a Redis Cluster", async () => {
  const cluster = await startRedisCluster({ masters: 3 });
  const skip = cluster ? false : "redis-server or redis-cli not found";
  after(async () => {
    await cluster?.stop();
  });

  it("coalesces per master and routes every command to its slot", { skip }, async () => {
    const client: Cluster = cluster!.client();
    coalesceWrites(client);
    try {
      const keys = Array.from({ length: 30 }, (_, i) => `key:${i}`);
      await Promise.all(keys.map((k, i) => client.set(k, String(i))));
      const values = await Promise.all(keys.map((k) => client.get(k)));
      assert.deepEqual(
        values,
        keys.map((_, i) => String(i)),
      );
      const masters = client.nodes("master");
      assert.equal(masters.length, 3);
      const writes = masters.map((node) => countWrites(stream(node)));
      await Promise.all(keys.map((k) => client.get(k)));
      for (const w of writes) assert.equal(w.calls, 1, "one write per master for one tick's commands");
    } finally {
      client.disconnect();
    }
  });
});
