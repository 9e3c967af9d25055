import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import Redis from "ioredis";
import { round } from "./stats";
import { now } from "./time";

/** Clock ticks per second of /proc/<pid>/stat times (100 on Linux unless `getconf` says otherwise). */
const CLK_TCK = (() => {
  try {
    const n = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());
    return n > 0 ? n : 100;
  } catch {
    return 100;
  }
})();

/** utime + stime of a process in seconds (NaN once it is gone). */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after "(comm)": state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return NaN;
  }
}

/** Resident set size and its peak (kB) of a process, from /proc/<pid>/status. */
export function memoryKb(pid: number): { rssKb: number; hwmKb: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
  return { rssKb: field("VmRSS"), hwmKb: field("VmHWM") };
}

export const totalRssKb = (pids: readonly number[]): number => pids.reduce((s, p) => s + memoryKb(p).rssKb, 0);

/** CPU seconds of the server processes and of Redis over one window. */
export type CpuUse = { serverSeconds: number; redisSeconds: number; wallSeconds: number };

/**
 * Measures a window: `start()` then `stop()`; `use` holds the last finished window. Redis CPU is
 * the sum over `redisPid` (several for a Redis Cluster).
 */
export class CpuMeter {
  use: CpuUse | undefined;
  private from: { servers: number; redis: number; at: number } | undefined;
  private readonly redisPids: readonly number[];

  constructor(
    readonly serverPids: readonly number[],
    redisPid: number | readonly number[],
  ) {
    this.redisPids = typeof redisPid === "number" ? [redisPid] : redisPid;
  }

  start(): void {
    this.from = { servers: this.serversNow(), redis: this.redisNow(), at: now() };
  }

  stop(): CpuUse {
    if (!this.from) throw new Error("CpuMeter.stop() before start()");
    this.use = {
      serverSeconds: round(this.serversNow() - this.from.servers, 3),
      redisSeconds: round(this.redisNow() - this.from.redis, 3),
      wallSeconds: round((now() - this.from.at) / 1000, 2),
    };
    return this.use;
  }

  private serversNow(): number {
    return this.serverPids.reduce((s, p) => s + cpuSeconds(p), 0);
  }

  private redisNow(): number {
    return this.redisPids.reduce((s, p) => s + cpuSeconds(p), 0);
  }
}

/** The pid of the redis-server behind `url`, from `INFO server` (the test helper does not expose it). */
export async function redisServerPid(url: string): Promise<number> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const info = await redis.info("server");
    const pid = Number(/^process_id:(\d+)/m.exec(info)?.[1]);
    if (!Number.isInteger(pid) || pid <= 0) throw new Error("INFO server gave no process_id");
    return pid;
  } finally {
    redis.disconnect();
  }
}

/** CPU seconds per 1000 units of work (deliveries, connections). */
export type PerThousand = { serverSeconds: number; redisSeconds: number };

export function perThousand(use: CpuUse, count: number): PerThousand {
  const per = (s: number) => (count > 0 ? round((s / count) * 1000, 4) : NaN);
  return { serverSeconds: per(use.serverSeconds), redisSeconds: per(use.redisSeconds) };
}
