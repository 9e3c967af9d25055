import { roomKeys } from "../../lib/redis/keys";
import { parseSlots, type RedisCluster, type SlotRange } from "./redis-cluster";
import { sleep } from "./wait";

/** Where the cluster's slots live, read from its nodes, as a test checks and moves them. */

/** CLUSTER SLOTS as a live node answers it now (after a failover or a move, too). */
export async function slotRanges(cluster: RedisCluster): Promise<SlotRange[]> {
  let last: unknown;
  for (const port of cluster.alive()) {
    try {
      return parseSlots(await cluster.admin(port).cluster("SLOTS"));
    } catch (e) {
      last = e; // a node still starting or just killed: ask the next one
    }
  }
  throw new Error(`no live cluster node answered CLUSTER SLOTS: ${String(last)}`);
}

/** The port of the master serving `slot` now, per the live nodes' view. */
export async function slotOwner(cluster: RedisCluster, slot: number): Promise<number> {
  const range = (await slotRanges(cluster)).find((r) => r.from <= slot && slot <= r.to);
  if (!range) throw new Error(`slot ${slot} is not assigned`);
  return range.master;
}

/** The slot of a room's keys: every key of the room carries `{<roomId>}` as its hash tag. */
export async function roomSlot(cluster: RedisCluster, roomId: string): Promise<number> {
  const port = cluster.alive()[0];
  if (port === undefined) throw new Error("no live cluster node");
  return cluster.admin(port).cluster("KEYSLOT", roomKeys(roomId).messages);
}

/**
 * Moves `slot` (and every key in it) to the master on `to`, the way `redis-cli --cluster reshard`
 * does: IMPORTING on the target, MIGRATING on the source, MIGRATE the keys in batches, then
 * SETSLOT NODE on the target, the source, and every other master. `pauseMs` holds the slot in its
 * migrating state before and after the keys move, so clients meet ASK redirections and TRYAGAIN.
 */
export async function moveSlot(
  cluster: RedisCluster,
  slot: number,
  to: number,
  opts: { pauseMs?: number } = {},
): Promise<{ from: number; keysMoved: number }> {
  const from = await slotOwner(cluster, slot);
  if (from === to) throw new Error(`slot ${slot} is already on ${to}`);
  const src = cluster.admin(from);
  const dst = cluster.admin(to);
  const [srcId, dstId] = await Promise.all([src.cluster("MYID"), dst.cluster("MYID")]);
  await dst.cluster("SETSLOT", slot, "IMPORTING", srcId);
  await src.cluster("SETSLOT", slot, "MIGRATING", dstId);
  await sleep(opts.pauseMs ?? 0);
  let keysMoved = 0;
  for (;;) {
    const keys = await src.cluster("GETKEYSINSLOT", slot, 100);
    if (!keys.length) break;
    await src.migrate("127.0.0.1", to, "", 0, 5000, "KEYS", ...keys);
    keysMoved += keys.length;
  }
  await sleep(opts.pauseMs ?? 0);
  await dst.cluster("SETSLOT", slot, "NODE", dstId);
  await src.cluster("SETSLOT", slot, "NODE", dstId);
  const ranges = await slotRanges(cluster);
  const others = [...new Set(ranges.map((r) => r.master))].filter((p) => p !== from && p !== to);
  await Promise.all(others.map((p) => cluster.admin(p).cluster("SETSLOT", slot, "NODE", dstId)));
  return { from, keysMoved };
}
