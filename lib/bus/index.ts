import { nanoid } from "nanoid";
import { env } from "../env";
import { MemoryBus } from "./memory";
import type { Bus } from "./types";

export type { Bus } from "./types";

/** Memory without REDIS_URL; Redis streams with it. */
export function createBus(): Bus {
  const config = env();
  const instanceId = config.INSTANCE_ID ?? nanoid(8);
  if (!config.REDIS_URL) return new MemoryBus(instanceId);
  throw new Error("REDIS_URL is set but the Redis bus is not built yet");
}
