import { nanoid } from "nanoid";
import { env } from "../env";
import { sharedRedis } from "../redis/client";
import { MemoryBus } from "./memory";
import { RedisBus } from "./redis/redis-bus";
import type { Bus } from "./types";

export type { Bus } from "./types";

/** Memory without REDIS_URL; Redis streams with it. */
export function createBus(): Bus {
  const config = env();
  const instanceId = config.INSTANCE_ID ?? nanoid(8);
  const client = sharedRedis();
  if (!client) return new MemoryBus(instanceId);
  return new RedisBus({ client, instanceId });
}
