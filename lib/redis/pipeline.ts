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
  const bySlot = new Map<number, number[]>();
  items.forEach((item, i) => {
    const slot = calculateSlot(keyOf(item));
    bySlot.set(slot, [...(bySlot.get(slot) ?? []), i]);
  });
  const replies: PipelineReplies = new Array(items.length);
  await Promise.all(
    [...bySlot.values()].map(async (indexes) => {
      const part = await run(
        client,
        indexes.map((i) => items[i]!),
        add,
      );
      indexes.forEach((i, j) => (replies[i] = part[j]!));
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
