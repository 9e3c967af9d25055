/**
 * Token bucket: `rate` tokens per second, at most `burst` saved up. It runs on the monotonic clock
 * (`performance.now()`): a wall-clock step cannot refill or drain it, and under `next start` Next
 * wraps `Date.now` to watch for I/O during prerendering, a cost on every frame.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly rate: number,
    private readonly burst: number,
    now = performance.now(),
  ) {
    this.tokens = burst;
    this.last = now;
  }

  take(now = performance.now()): boolean {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
