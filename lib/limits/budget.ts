import type { Commands } from "../redis/commands";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { limitKeyPrefix } from "../redis/keys";
import { errorFields, log } from "../observability/log";

export type BudgetSpec = {
  /** Names the counters (Redis key prefix). */
  name: string;
  /** Takes allowed per key per window. */
  points: number;
  windowSeconds: number;
};

/**
 * A fixed-window budget per key: `points` takes per `windowSeconds`. With Redis, one counter per
 * key shared by every instance (one script round trip per take); a key past its budget is then
 * refused from memory until its window ends, so a flood costs Redis nothing. While Redis is down
 * or slow, an in-memory budget of the same size stands in (per instance: a deployment of N
 * instances allows up to N times as much until Redis is back), so limits never fail open and
 * never make a request wait on a dead Redis.
 */
export class Budget {
  private readonly limiter: RateLimiterAbstract;
  private readonly name: string;

  constructor(
    spec: BudgetSpec,
    private readonly redis: Commands | null,
  ) {
    this.name = spec.name;
    const base = { keyPrefix: limitKeyPrefix(spec.name), points: spec.points, duration: spec.windowSeconds };
    this.limiter = redis
      ? new RateLimiterRedis({
          ...base,
          storeClient: redis.client,
          rejectIfRedisNotReady: true,
          inMemoryBlockOnConsumed: spec.points + 1,
          insuranceLimiter: new RateLimiterMemory(base),
        })
      : new RateLimiterMemory(base);
  }

  /**
   * Takes one from `key`'s budget; false when it is spent. Never rejects: Redis trouble is the
   * insurance budget's job, and anything else is a bug that should not take the chat down with it.
   */
  async take(key: string): Promise<boolean> {
    // The process's first requests come while its Redis connection is still opening: wait for it
    // (bounded, as every command does) so that they count on the shared budget, not the insurance.
    if (this.redis && this.redis.client.status !== "ready") await this.redis.run(async () => {}).catch(() => {});
    try {
      await this.limiter.consume(key);
      return true;
    } catch (e) {
      if (e instanceof RateLimiterRes) return false;
      log().error({ ...errorFields(e), limit: this.name }, "budget check failed; allowing the request");
      return true;
    }
  }
}
