import Redis, { type RedisOptions } from "ioredis";
import { env } from "../env";
import { log } from "../observability/log";
import { timeCommands } from "../observability/redis-timing";

/**
 * Redis connections. One shared command client per process (server.ts and the Next bundle load
 * separate copies of this module, so it lives on globalThis), plus one duplicated connection per
 * bus for the stream reader's subscriptions.
 *
 * The command client fails fast and never hangs: no offline queue, no resending of commands that
 * were in flight when the connection dropped, a 2 s command timeout. A caller gets an error within
 * about 2 s and the hub answers `unavailable` (the client resends with the same nonce).
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
    commandTimeout: COMMAND_TIMEOUT_MS,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    retryStrategy: (times) => backoffMs(times),
  };
}

/** A command client of its own (tests, scripts). Most code wants `sharedRedis()`. */
export function createCommandClient(url: string, connectionName = "flare"): Redis {
  const client = new Redis(url, commandClientOptions(connectionName));
  logConnectionState(client, connectionName);
  timeCommands(client);
  return client;
}

/**
 * The stream reader's connection (sharded pub/sub, plus nothing else): commands issued while it
 * reconnects wait for it (offline queue on, no retry limit, no command timeout). Commands in flight
 * at a disconnect are NOT resent and subscriptions are NOT restored by ioredis: after a reconnect
 * the reader subscribes again and catches up from its cursors itself, in that order (see
 * lib/bus/redis/reader/stream-reader.ts).
 */
export function createReaderClient(base: Redis, connectionName: string): Redis {
  const client = base.duplicate({
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
  });
  logConnectionState(client, connectionName);
  return client;
}

/**
 * Logs a connection's errors at most once per state change: one line when it goes down (with the
 * first error), one when it is back. No spam while Redis stays down.
 */
export function logConnectionState(client: Redis, label: string): void {
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
type Global = typeof globalThis & { [KEY]?: Redis };

/** The process's shared command client, or null when REDIS_URL is unset. */
export function sharedRedis(): Redis | null {
  const url = env().REDIS_URL;
  if (!url) return null;
  const g = globalThis as Global;
  if (!g[KEY] || g[KEY].status === "end") g[KEY] = createCommandClient(url, "flare-command");
  return g[KEY];
}

/** Forgets the shared client (after it was closed) so a later `sharedRedis()` makes a new one. */
export function releaseSharedRedis(client: Redis): void {
  const g = globalThis as Global;
  if (g[KEY] === client) delete g[KEY];
}

/** QUIT, falling back to a hard disconnect after `timeoutMs`. Never rejects. */
export async function closeClient(client: Redis, timeoutMs = 1000): Promise<void> {
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
