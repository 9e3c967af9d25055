import type { Result } from "ioredis";

/** Reply of flareInstanceBeat: whether the beating incarnation was still listed, and the dead ones it now sweeps. */
export type InstanceBeatReply = [known: 0 | 1, claimed: string[]];

declare module "ioredis" {
  interface RedisCommander<Context> {
    flareInstanceBeat(
      instancesKey: string,
      sweepingKey: string,
      incarnation: number,
      ttlMs: number,
      maxClaims: number,
    ): Result<InstanceBeatReply, Context>;
  }
}

/** The liveness keys are nobody's once every instance is gone: they go a day after the last beat. */
const LIVENESS_KEYS_TTL_MS = 24 * 60 * 60 * 1000;

export const livenessScripts = {
  /**
   * KEYS: instances, sweeping. ARGV: incarnation, ttlMs, maxClaims → {1 if the incarnation was
   * listed (0: new, or taken for dead meanwhile), the incarnations this caller now sweeps}. An
   * incarnation not seen for ttlMs moves to `sweeping`, so exactly one survivor claims it; a sweep
   * still listed there a TTL later (its sweeper died too) is claimed again.
   */
  flareInstanceBeat: {
    numberOfKeys: 2,
    lua: `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local me, ttl, max = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local known = redis.call('ZADD', KEYS[1], now, me) == 0
local cut = '(' .. string.format('%d', now - ttl)
local claimed = {}
if max == 0 then return {known and 1 or 0, claimed} end
for _, dead in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', cut, 'LIMIT', 0, max)) do
  redis.call('ZREM', KEYS[1], dead)
  redis.call('ZADD', KEYS[2], now, dead)
  claimed[#claimed + 1] = dead
end
if #claimed < max then
  for _, dead in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', cut, 'LIMIT', 0, max - #claimed)) do
    redis.call('ZADD', KEYS[2], now, dead)
    claimed[#claimed + 1] = dead
  end
end
redis.call('PEXPIRE', KEYS[1], ${LIVENESS_KEYS_TTL_MS})
redis.call('PEXPIRE', KEYS[2], ${LIVENESS_KEYS_TTL_MS})
return {known and 1 or 0, claimed}
`,
  },
};
