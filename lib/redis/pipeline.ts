import calculateSlot from "cluster-key-slot";
import { type ChainableCommander, Cluster } from "ioredis";
import type { RedisClient } from "./client";

export type PipelineReplies = [error: Error | null, reply: unknown][];

/**
 * Sends one command per item in as few round trips as the deployment allows, and returns the
 * replies in `items` order: one pipeline on a single Redis; on a cluster one pipeline per hash slot
 * (a pipeline may not span nodes), sent concurrently. `keyOf` names the key that routes the item.
 */
export async function pipelineBySlot<T>(
  client: RedisClient,
  items: readonly T[],
  keyOf: (item: T) => string,
  add: (pipe: ChainableCommander, item: T) => void,
): Promise<PipelineReplies> {
  if (!(client instanceof Cluster)) return run(client, items, add);
  const indexes = items.map((_, i) => i);
  const replies: PipelineReplies = new Array(items.length);
  await Promise.all(
    groupBySlot(indexes, (i) => keyOf(items[i]!)).map(async (group) => {
      const part = await run(
        client,
        group.map((i) => items[i]!),
        add,
      );
      group.forEach((i, j) => (replies[i] = part[j]!));
    }),
  );
  return replies;
}

async function run<T>(
  client: RedisClient,
  items: readonly T[],
  add: (pipe: ChainableCommander, item: T) => void,
): Promise<PipelineReplies> {
  const pipe = client.pipeline();
  for (const item of items) add(pipe, item);
  return ((await pipe.exec()) ?? []) as PipelineReplies;
}

/** `items` grouped by the hash slot of their key, in their order within each group. */
export function groupBySlot<T>(items: readonly T[], keyOf: (item: T) => string): T[][] {
  const groups = new Map<number, T[]>();
  for (const item of items) {
    const slot = calculateSlot(keyOf(item));
    const group = groups.get(slot);
    if (group) group.push(item);
    else groups.set(slot, [item]);
  }
  return [...groups.values()];
}
