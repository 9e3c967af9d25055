/** Reconnect delays: 1 s doubling up to 30 s, each with ±20 % jitter so tabs do not stampede. */

const BACKOFF_BASE_MS = 1000;
const BACKOFF_MAX_MS = 30_000;
const JITTER = 0.2;

/** Delay before reconnect attempt number `attempt` (0 for the first retry). */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const exp = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, Math.min(attempt, 30)));
  const jittered = exp * (1 - JITTER + random() * 2 * JITTER);
  return Math.round(Math.min(BACKOFF_MAX_MS, Math.max(BACKOFF_BASE_MS / 2, jittered)));
}
