import Redis from "ioredis";
import { BenchClient } from "./client";
import { round } from "./stats";
import { inBatches, paced, sleep, until } from "./time";

export type RedisCostOptions = {
  redisUrl: string;
  room: string;
  cookie?: string;
  senderWsUrl: string;
  receiverWsUrl: string;
  tag: string;
  messages?: number;
  perSecond?: number;
  senders?: number;
};

/** Commands seen on MONITOR in one window, by what issued them. */
type Tally = {
  /** Client round trips by command (EVALSHA labelled with the commands its script ran). */
  client: Record<string, number>;
  /** Commands run inside Lua scripts, by name. */
  lua: Record<string, number>;
};

export type RedisCostResult = {
  messages: number;
  windowMs: number;
  /** An idle window of the same length (heartbeats, blocked-read timeouts): subtracted below. */
  idle: Tally;
  busy: Tally;
  perMessage: {
    /** Client round trips that are not reads: the store path (append script etc.). */
    storeRoundTrips: number;
    /** Read round trips of the instances' readers (XREAD, or Flare's catch-up XRANGE; 0 while notices suffice). */
    readerRoundTrips: number;
    totalRoundTrips: number;
    /** Commands executed inside scripts. */
    luaCommands: number;
    byCommand: Record<string, number>;
  };
};

/**
 * Redis work per chat message on the hot path: MONITOR over an idle window, then over a window in
 * which `messages` are sent (sender on one instance, a receiver on the other, nobody else), and the
 * difference divided by the message count.
 */
export async function measureRedisCost(o: RedisCostOptions): Promise<RedisCostResult> {
  const n = o.messages ?? 100;
  const perSecond = o.perSecond ?? 50;
  const senderCount = o.senders ?? 6;
  const join = (url: string, clientId: string) => BenchClient.join({ url, room: o.room, clientId, cookie: o.cookie });
  const receiver = await join(o.receiverWsUrl, `${o.tag}-recv`);
  const senders = await inBatches(senderCount, senderCount, (i) => join(o.senderWsUrl, `${o.tag}-send-${i}`));
  const redis = new Redis(o.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await sleep(1000); // joins, "joined" messages and presence settle
    const windowMs = (n / perSecond) * 1000 + 500;
    const idle = await monitor(redis, () => sleep(windowMs));
    const prefix = `${o.tag}-`;
    const busy = await monitor(redis, async () => {
      await paced(n, perSecond, (i) => senders[i % senderCount]!.sendMessage(`redis cost #${i}`, `${prefix}${i}`));
      await until(() => receiver.tagged(prefix).length >= n, 3000);
      await sleep(windowMs - (n / perSecond) * 1000);
    });
    return { messages: n, windowMs, idle, busy, perMessage: perMessage(idle, busy, n) };
  } finally {
    redis.disconnect();
    await Promise.all([receiver, ...senders].map((c) => c.close()));
  }
}

async function monitor(redis: Redis, during: () => Promise<void>): Promise<Tally> {
  const mon = await redis.monitor();
  const tally: Tally = { client: {}, lua: {} };
  let current: { label: string; lua: Set<string> } | undefined;
  const closeCurrent = () => {
    if (!current) return;
    const label = current.lua.size ? `${current.label}[${[...current.lua].sort().join(",")}]` : current.label;
    tally.client[label] = (tally.client[label] ?? 0) + 1;
    current = undefined;
  };
  mon.on("monitor", (_time: string, args: string[], source: string) => {
    const cmd = (args[0] ?? "?").toUpperCase();
    if (source === "lua") {
      tally.lua[cmd] = (tally.lua[cmd] ?? 0) + 1;
      current?.lua.add(cmd);
      return;
    }
    closeCurrent();
    if (cmd === "INFO" || cmd === "MONITOR") return;
    current = { label: cmd === "EVALSHA" || cmd === "EVAL" ? `${cmd} ${args[1]?.slice(0, 7)}` : cmd, lua: new Set() };
  });
  try {
    await sleep(100);
    await during();
  } finally {
    closeCurrent();
    mon.disconnect();
  }
  return tally;
}

function perMessage(idle: Tally, busy: Tally, n: number): RedisCostResult["perMessage"] {
  const byCommand: Record<string, number> = {};
  for (const key of new Set([...Object.keys(idle.client), ...Object.keys(busy.client)])) {
    const d = (busy.client[key] ?? 0) - (idle.client[key] ?? 0);
    if (d !== 0) byCommand[key] = round(d / n, 3);
  }
  const sum = (t: Record<string, number>, pick: (k: string) => boolean) =>
    Object.entries(t).reduce((s, [k, v]) => s + (pick(k) ? v : 0), 0);
  const isRead = (k: string) => k.startsWith("XREAD") || k.startsWith("XRANGE") || k.startsWith("XREVRANGE");
  const diff = (pick: (k: string) => boolean) => (sum(busy.client, pick) - sum(idle.client, pick)) / n;
  const luaDiff = (sum(busy.lua, () => true) - sum(idle.lua, () => true)) / n;
  return {
    storeRoundTrips: round(
      diff((k) => !isRead(k)),
      3,
    ),
    readerRoundTrips: round(diff(isRead), 3),
    totalRoundTrips: round(
      diff(() => true),
      3,
    ),
    luaCommands: round(luaDiff, 3),
    byCommand,
  };
}
