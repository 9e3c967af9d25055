import Redis from "ioredis";
import { MemoryBus } from "../../lib/bus/memory";
import { RedisBus } from "../../lib/bus/redis/redis-bus";
import type { Bus } from "../../lib/bus/types";
import { roomKeys } from "../../lib/redis/keys";
import { startRedis } from "./redis-server";

/**
 * One suite over both buses: `memory` (one instance) and `redis` (two instances on a real
 * redis-server). `a`/`b` are the instances (the same bus in memory); `room()` makes a fresh
 * private room that lives for a minute; `admin` reads Redis directly (redis only).
 */
export type BusSetup = {
  name: "memory" | "redis";
  a: Bus;
  b: Bus;
  room(): Promise<string>;
  admin?: Redis;
  close(): Promise<void>;
};

let seq = 0;
const freshRoom = () => `r${++seq}${Date.now().toString(36)}`.padEnd(21, "x");

export function memorySetup(): BusSetup {
  const bus = new MemoryBus("mem");
  return { name: "memory", a: bus, b: bus, room: async () => freshRoom(), close: () => bus.close() };
}

/** Undefined (after redis-server's loud warning) when redis-server is missing and CI is not "true". */
export async function redisSetup(presenceTtlMs = 30_000): Promise<BusSetup | undefined> {
  const redis = await startRedis();
  if (!redis) return undefined;
  const admin = new Redis(redis.url);
  const open = (name: string) => new RedisBus({ url: redis.url, instanceId: `setup-${name}`, presenceTtlMs });
  const a = open("a");
  const b = open("b");
  return {
    name: "redis",
    a,
    b,
    admin,
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
      await redis.stop();
    },
  };
}
