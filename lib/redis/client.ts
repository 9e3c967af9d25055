import Redis, { Cluster, type RedisOptions } from "ioredis";
import { env } from "../env";
import { log } from "../observability/log";
import { recordCommandLatency } from "../observability/redis-timing";
import { redisTarget } from "./url";
import { coalesceWrites } from "./coalesce-writes";
import { watchCommands } from "./watch-commands";

/**
 * Redis connections. One shared command client per process (server.ts and the Next bundle load
 * separate copies of this module, so it lives on globalThis), plus one duplicated connection per
 * bus for the stream reader's subscriptions.
 *
 * REDIS_URL may name a Redis Cluster (lib/redis/url.ts): the command client is then an ioredis
 * `Cluster`, which routes each command to the master of its key's slot and follows MOVED/ASK.
 *
 * The command client fails fast and never hangs: no offline queue, no resending of commands that
 * were in flight when the connection dropped, a 2 s command timeout (`watch-commands.ts`, which
 * checks it every 0.5 s). A caller gets an error within about 2.5 s and the hub answers
 * `unavailable` (the client resends with the same nonce). The commands sent within one tick leave
 * in one socket write (`coalesce-writes.ts`).
 */

export const COMMAND_TIMEOUT_MS = 2000;
const RECONNECT_CAP_MS = 2000;

/** Exponential backoff from 50 ms, capped at ~2 s, with "equal jitter" so instances spread out. */
export function backoffMs(attempt: number, capMs = RECONNECT_CAP_MS): number {
  const base = Math.min(capMs, 50 * 2 ** Math.min(Math.max(attempt - 1, 0), 10));
  return Math.round(base / 2 + (Math.random() * base) / 2);
}

export function commandClientOptions(connectionName = "flare"): RedisOptions {
  return {
    connectionName,
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    retryStrategy: (times) => backoffMs(times),
  };
}

/** The command connection: one Redis, or a Redis Cluster. */
export type RedisClient = Redis | Cluster;

/** A command client of its own (tests, scripts). Most code wants `sharedRedis()`. */
export function createCommandClient(url: string, connectionName = "flare"): RedisClient {
  const target = redisTarget(url);
  const client =
    target.kind === "single"
      ? new Redis(url, commandClientOptions(connectionName))
      : new Cluster(target.nodes, {
          redisOptions: { ...commandClientOptions(connectionName), ...target.options },
          enableOfflineQueue: false,
          scaleReads: "master",
          clusterRetryStrategy: (times) => backoffMs(times),
          slotsRefreshTimeout: 2000,
          // A failover or a slot move answers CLUSTERDOWN/TRYAGAIN for a moment: retry within the command timeout.
          retryDelayOnClusterDown: 200,
          retryDelayOnTryAgain: 100,
          retryDelayOnFailover: 200,
        });
  logConnectionState(client, connectionName);
  watchCommands(client, { timeoutMs: COMMAND_TIMEOUT_MS, settled: recordCommandLatency });
  coalesceWrites(client);
  return client;
}

/**
 * A connection of the stream reader (sharded pub/sub, plus nothing else): to the one Redis, or to
 * one master of a cluster (`node`). Commands issued while it reconnects wait for it (offline queue
 * on, no retry limit, no command timeout). Commands in flight at a disconnect are NOT resent and
 * subscriptions are NOT restored by ioredis: after a reconnect the reader subscribes again and
 * catches up from its cursors itself, in that order (see lib/bus/redis/reader/stream-reader.ts).
 */
export function createReaderClient(
  base: RedisClient,
  connectionName: string,
  node?: { host: string; port: number },
): Redis {
  const options: RedisOptions = {
    connectionName,
    enableOfflineQueue: true,
    autoResendUnfulfilledCommands: false,
    autoResubscribe: false,
    commandTimeout: undefined,
    maxRetriesPerRequest: null,
    lazyConnect: false,
    // Back sooner than the command client (cap 1 s, not 2 s): after Redis restarts empty, the
    // reader should notice (and reset its listeners) before the hub serves joins from the new log.
    retryStrategy: (times: number) => backoffMs(times, 1000),
  };
  const client =
    base instanceof Cluster
      ? new Redis({ ...base.options.redisOptions, ...options, host: node?.host, port: node?.port })
      : base.duplicate(options);
  logConnectionState(client, connectionName);
  return client;
}

/**
 * Logs a connection's errors at most once per state change: one line when it goes down (with the
 * first error), one when it is back. No spam while Redis stays down.
 */
export function logConnectionState(client: RedisClient, label: string): void {
  let down = false;
  client.on("error", (e: Error) => {
    if (down) return;
    down = true;
    log().warn({ connection: label, err: { message: e.message } }, "redis down; reconnecting");
  });
  client.on("ready", () => {
    if (!down) return;
    down = false;
    log().info({ connection: label }, "redis up");
  });
}

const KEY = Symbol.for("flare.redis.command");
type Global = typeof globalThis & { [KEY]?: RedisClient };

/** The process's shared command client, or null when REDIS_URL is unset. */
export function sharedRedis(): RedisClient | null {
  const url = env().REDIS_URL;
  if (!url) return null;
  const g = globalThis as Global;
  if (!g[KEY] || g[KEY].status === "end") g[KEY] = createCommandClient(url, "flare-command");
  return g[KEY];
}

/** Forgets the shared client (after it was closed) so a later `sharedRedis()` makes a new one. */
export function releaseSharedRedis(client: RedisClient): void {
  const g = globalThis as Global;
  if (g[KEY] === client) delete g[KEY];
}

/** QUIT, falling back to a hard disconnect after `timeoutMs`. Never rejects. */
export async function closeClient(client: RedisClient, timeoutMs = 1000): Promise<void> {
  if (client.status === "end") return;
  if (client.status !== "ready") {
    client.disconnect();
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    client.quit().catch(() => {}),
    new Promise<void>((r) => {
      timer = setTimeout(r, timeoutMs);
      timer.unref();
    }),
  ]);
  clearTimeout(timer);
  if ((client.status as string) !== "end") client.disconnect();
}
