import Redis, { type Cluster } from "ioredis";
import { MemoryBus } from "../../lib/bus/memory";
import { RedisBus } from "../../lib/bus/redis/redis-bus";
import type { Bus } from "../../lib/bus/types";
import { roomKeys } from "../../lib/redis/keys";
import { startRedisCluster } from "./redis-cluster";
import { startRedis } from "./redis-server";

/**
 * One suite over every bus: `memory` (one instance), `redis` (two instances on a real
 * redis-server) and `redis cluster` (two instances on a real 3-master Redis Cluster). `a`/`b` are
 * the instances (the same bus in memory); `room()` makes a fresh private room that lives for a
 * minute; `admin` reads Redis directly (not in memory).
 */
export type BusSetup = {
  name: "memory" | "redis" | "redis cluster";
  a: Bus;
  b: Bus;
  room(): Promise<string>;
  admin?: Redis | Cluster;
  /** Another instance on the same store (Redis only), for the test to close. */
  open?(instanceId: string): Bus;
  close(): Promise<void>;
};

let seq = 0;
const freshRoom = () => `r${++seq}${Date.now().toString(36)}`.padEnd(21, "x");

export function memorySetup(): BusSetup {
  const bus = new MemoryBus("mem");
  return { name: "memory", a: bus, b: bus, room: async () => freshRoom(), close: () => bus.close() };
}

/** Undefined (after redis-server's loud warning) when redis-server is missing and CI is not "true". */
export async function redisSetup(presenceTtlMs = 30_000): Promise<(BusSetup & { admin: Redis }) | undefined> {
  const redis = await startRedis();
  if (!redis) return undefined;
  return busesOn("redis", redis.url, new Redis(redis.url), presenceTtlMs, () => redis.stop());
}

/** Undefined (after a loud warning) when redis-server or redis-cli is missing and CI is not "true". */
export async function clusterSetup(presenceTtlMs = 30_000): Promise<BusSetup | undefined> {
  const cluster = await startRedisCluster({ masters: 3 });
  if (!cluster) return undefined;
  return busesOn("redis cluster", cluster.url, cluster.client(), presenceTtlMs, () => cluster.stop());
}

/** Two RedisBus instances on `url`, and `admin` to read and prepare what they store. */
function busesOn<A extends Redis | Cluster>(
  name: BusSetup["name"],
  url: string,
  admin: A,
  presenceTtlMs: number,
  stopRedis: () => Promise<void>,
): BusSetup & { admin: A } {
  const open = (bus: string) => new RedisBus({ url, instanceId: `setup-${bus}`, presenceTtlMs });
  const a = open("a");
  const b = open("b");
  return {
    name,
    a,
    b,
    admin,
    open: (instanceId) => new RedisBus({ url, instanceId, presenceTtlMs }),
    // A private room as the rooms service makes it: a `:meta` hash expiring at the room's expiry.
    async room() {
      const room = freshRoom();
      const expiresAt = Date.now() + 60_000;
      const meta = roomKeys(room).meta;
      await admin.hset(meta, "expiresAt", String(expiresAt), "capacity", "2", "createdAt", String(Date.now()));
      await admin.pexpireat(meta, expiresAt);
      return room;
    },
    async close() {
      await Promise.all([a.close(), b.close(), admin.quit()]);
      await stopRedis();
    },
  };
}
