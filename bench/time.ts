import { performance } from "node:perf_hooks";

export const now = (): number => performance.now();

/** Progress on stderr, with the seconds since the bench process started. */
export function step(what: string): void {
  console.error(`[bench +${(now() / 1000).toFixed(1)} s] ${what}`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.max(0, ms)));
}

/**
 * Calls `fn(i)` for i in 0..count-1 at a steady `perSecond` against a fixed schedule (a late tick
 * does not shift the following ones).
 */
export async function paced(count: number, perSecond: number, fn: (i: number) => void): Promise<void> {
  const start = now();
  const interval = 1000 / perSecond;
  for (let i = 0; i < count; i++) {
    await sleep(start + i * interval - now());
    fn(i);
  }
}

/** Polls until `done()` or the timeout; returns whether it finished. */
export async function until(done: () => boolean, timeoutMs: number, stepMs = 20): Promise<boolean> {
  const deadline = now() + timeoutMs;
  while (!done()) {
    if (now() > deadline) return false;
    await sleep(stepMs);
  }
  return true;
}

/** Runs `tasks` with at most `width` in flight at a time (a batch finishes before the next starts). */
export async function inBatches<T>(count: number, width: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < count; i += width) {
    const batch = Array.from({ length: Math.min(width, count - i) }, (_, k) => task(i + k));
    out.push(...(await Promise.all(batch)));
  }
  return out;
}
