import type { Session } from "node:inspector/promises";
import { performance } from "node:perf_hooks";
import { getHeapSpaceStatistics } from "node:v8";
import { errorFields, log } from "../observability/log";

/**
 * A memory-reducing garbage collection when the process has gone quiet after making garbage, as
 * browsers do in idle time. V8 collects its old generation only when it outgrows a limit set at up
 * to 4× the live heap, and its memory reducer does not run under Node: after a burst of joins,
 * everything of the burst that outlived two scavenges (requests, Redis replies, frames) stayed in
 * RSS for good. Issue #9 (4000 joined sockets over 2 instances, RSS read 5 s after the last join):
 * ~30 KB per connection, ~10 KB of it live.
 *
 * A plain full GC (`gc()`) frees that garbage but not the memory: live and dead objects share
 * pages, and only a compacting GC gives the pages back. The inspector's
 * `HeapProfiler.collectGarbage`, through an in-process session (no port is opened), is V8's
 * "low memory" collection, which compacts. Capping V8's growing factor instead
 * (`--heap-growing-percent=10`) ran a full GC every few MB during the burst: +25–50 % CPU per join.
 *
 * Once a second: when the event loop was busy less than IDLE_UTILIZATION of the last second and
 * either the old generation grew by a quarter (at least MIN_GROWTH_BYTES) since the last
 * collection, or the heap holds at least MIN_GROWTH_BYTES more empty pages than after it (at most
 * once per EMPTIED_INTERVAL_MS), one collection runs (V8's "low memory" collection repeats until
 * nothing more goes: 70–250 ms for a heap of 50–120 MB, hence only for a growth worth it). Empty
 * pages are what a long burst leaves when V8 collected its garbage on its own: after 4000 sockets
 * joined the lobby, each instance held 35–60 MB of them (the young generation grown to 32 MB and
 * nearly empty, and emptied old-space pages), about 17 KB per connection of RSS.
 */
const CHECK_MS = 1000;
const IDLE_UTILIZATION = 0.05;
const MIN_GROWTH_BYTES = 32 * 1024 * 1024;
const GROWTH_RATIO = 0.25;
/**
 * A collection for empty pages alone runs at most this often: under a light load the young
 * generation grows back into its pages (up to 32 MB), and every run pauses the instance.
 */
const EMPTIED_INTERVAL_MS = 10 * 60 * 1000;

export function startIdleGc(): void {
  let baseline = heapState();
  let loop = performance.eventLoopUtilization();
  let collecting = false;
  let emptiedAt = -Infinity;

  const timer = setInterval(() => {
    const now = performance.eventLoopUtilization();
    const busy = performance.eventLoopUtilization(now, loop).utilization;
    loop = now;
    const { oldUsed, empty } = heapState();
    // V8 collected (or gave pages back) on its own.
    baseline = { oldUsed: Math.min(baseline.oldUsed, oldUsed), empty: Math.min(baseline.empty, empty) };
    if (collecting || busy > IDLE_UTILIZATION) return;
    const started = performance.now();
    const reason = worthCollecting(baseline, { oldUsed, empty }, started - emptiedAt);
    if (!reason) return;
    if (reason === "emptied") emptiedAt = started;
    collecting = true;
    void collectGarbage()
      .then((collected) => {
        if (!collected) return clearInterval(timer);
        const ms = Math.round(performance.now() - started);
        const after = heapState();
        log().info(
          {
            reason,
            fromMb: mb(oldUsed),
            toMb: mb(after.oldUsed),
            emptyFromMb: mb(empty),
            emptyToMb: mb(after.empty),
            ms,
          },
          "idle GC",
        );
      })
      .catch((e: unknown) => log().warn({ ...errorFields(e) }, "idle GC failed"))
      .finally(() => {
        baseline = heapState();
        collecting = false;
      });
  }, CHECK_MS);
  timer.unref();
}

/**
 * `oldUsed`: bytes in use where promoted objects live (old space and large objects); `empty`: bytes
 * of pages the heap holds without using them, in every space.
 */
export type HeapState = { oldUsed: number; empty: number };

/**
 * Why a collection is worth it now, if it is: against its state after the last collection (or its
 * lowest since), the heap grew its old generation by a quarter (at least MIN_GROWTH_BYTES), or it
 * holds MIN_GROWTH_BYTES more empty pages and no collection ran for that within EMPTIED_INTERVAL_MS.
 */
export function worthCollecting(
  baseline: HeapState,
  now: HeapState,
  msSinceEmptied: number,
): "grown" | "emptied" | undefined {
  if (now.oldUsed - baseline.oldUsed >= Math.max(MIN_GROWTH_BYTES, baseline.oldUsed * GROWTH_RATIO)) return "grown";
  if (now.empty - baseline.empty >= MIN_GROWTH_BYTES && msSinceEmptied >= EMPTIED_INTERVAL_MS) return "emptied";
  return undefined;
}

/**
 * One compacting collection now (server.ts runs one before listening: start-up leaves ~25 MB).
 * False when this Node has no inspector (built without it): V8's own schedule it is.
 */
export async function collectGarbage(): Promise<boolean> {
  let session: Session;
  try {
    // Imported here: the module itself throws in a Node built without the inspector.
    const inspector = await import("node:inspector/promises");
    session = new inspector.Session();
    session.connect();
  } catch (e) {
    log().warn({ ...errorFields(e) }, "idle GC unavailable: this Node has no inspector");
    return false;
  }
  try {
    await session.post("HeapProfiler.collectGarbage");
    return true;
  } finally {
    session.disconnect();
  }
}

function mb(bytes: number): number {
  return Math.round(bytes / 2 ** 20);
}

function heapState(): HeapState {
  let oldUsed = 0;
  let empty = 0;
  for (const space of getHeapSpaceStatistics()) {
    empty += space.space_size - space.space_used_size;
    if (space.space_name === "old_space" || space.space_name === "large_object_space") oldUsed += space.space_used_size;
  }
  return { oldUsed, empty };
}
