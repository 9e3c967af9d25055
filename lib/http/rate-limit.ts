import { FlareError } from "../protocol";
import { TokenBucket } from "../hub/rate-limit";

/** Past this many keys, a take first forgets the idle ones. */
const SWEEP_ABOVE = 10_000;

/**
 * Per-key token buckets for the HTTP API (per instance; a deployment with N instances allows up
 * to N times as much). Idle buckets are forgotten: a bucket idle long enough to refill completely
 * is no different from a new one.
 */
export class KeyedRateLimit {
  private readonly buckets = new Map<string, { bucket: TokenBucket; used: number }>();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
  ) {}

  /** Keys with a bucket. */
  get size(): number {
    return this.buckets.size;
  }

  /** Throws 429 `rate_limited` when `key` is over its budget. */
  take(key: string, now = Date.now()): void {
    if (this.buckets.size > SWEEP_ABOVE) this.sweep(now);
    let entry = this.buckets.get(key);
    if (!entry) {
      entry = { bucket: new TokenBucket(this.perSecond, this.burst, now), used: now };
      this.buckets.set(key, entry);
    }
    entry.used = now;
    if (!entry.bucket.take(now)) throw new FlareError("rate_limited");
  }

  private sweep(now: number): void {
    const idleMs = (this.burst / this.perSecond) * 1000;
    for (const [key, e] of this.buckets) if (now - e.used > idleMs) this.buckets.delete(key);
  }
}
