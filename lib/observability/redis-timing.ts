import { metrics } from "./metrics";

/**
 * Records one command of the command client into flare_redis_command_duration_seconds (the
 * `settled` hook of lib/redis/watch-commands.ts). Not for the reader connections: their
 * subscriptions wait by design; their catch-up reads go through the command client and count.
 */
export function recordCommandLatency(command: string, ms: number): void {
  metrics()
    .redisCommandSeconds.labels(command)
    .observe(ms / 1000);
}
