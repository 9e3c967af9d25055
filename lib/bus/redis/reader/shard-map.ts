import calculateSlot from "cluster-key-slot";
import { Cluster } from "ioredis";
import type { RedisClient } from "../../../redis/client";

/** The one shard of a single Redis. */
export const SINGLE_SHARD = "single";

export type ShardNode = { host: string; port: number };

/**
 * Which reader connection follows a stream: on a single Redis, the one; on a cluster, the one to
 * the master that owns the key's hash slot, as the command client's slot map says now (it is
 * refreshed on MOVED, on node errors and periodically; the reader regroups after each refresh).
 * Undefined while a cluster's slot map does not cover the key yet.
 */
export function shardOf(client: RedisClient, key: string): string | undefined {
  if (!(client instanceof Cluster)) return SINGLE_SHARD;
  return client.slots[calculateSlot(key)]?.[0];
}

/** The address of a cluster shard (its master's `host:port`). */
export function shardNode(shard: string): ShardNode | undefined {
  if (shard === SINGLE_SHARD) return undefined;
  const colon = shard.lastIndexOf(":");
  return { host: shard.slice(0, colon), port: Number(shard.slice(colon + 1)) };
}
