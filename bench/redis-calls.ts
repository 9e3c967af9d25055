import Redis from "ioredis";
import { round } from "./stats";

/**
 * Commands Redis executed, by name, summed over `urls` (every master of a cluster), from
 * `INFO commandstats`: cheap enough to read around a window, unlike MONITOR under 20 000 sockets.
 * Commands run inside scripts are counted under their own names too.
 */
export async function commandCalls(urls: readonly string[]): Promise<Record<string, number>> {
  const calls: Record<string, number> = {};
  await Promise.all(
    urls.map(async (url) => {
      const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
      try {
        await redis.connect();
        for (const m of (await redis.info("commandstats")).matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm))
          calls[m[1]!] = (calls[m[1]!] ?? 0) + Number(m[2]);
      } finally {
        redis.disconnect();
      }
    }),
  );
  return calls;
}

/**
 * Calls between two readings divided by `per` (seconds, messages), the busiest `top` commands
 * first, to `digits` decimals (INFO itself left out).
 */
export function callRates(
  before: Record<string, number>,
  after: Record<string, number>,
  per: number,
  digits = 0,
  top = 6,
) {
  return Object.entries(after)
    .filter(([name]) => name !== "info")
    .map(([name, n]) => [name, round((n - (before[name] ?? 0)) / per, digits)] as const)
    .filter(([, rate]) => rate > 0)
    .sort((x, y) => y[1] - x[1])
    .slice(0, top);
}

/** The reader's own commands: notices pushed, subscriptions, catch-up reads. */
export const READER_COMMANDS = ["spublish", "ssubscribe", "sunsubscribe", "xrange", "xread"] as const;

/** Calls of `names` between two readings divided by `per`, zeros included, in the order given. */
export function callsOf(
  before: Record<string, number>,
  after: Record<string, number>,
  names: readonly string[],
  per: number,
  digits = 2,
) {
  return names.map((name) => [name, round(((after[name] ?? 0) - (before[name] ?? 0)) / per, digits)] as const);
}
