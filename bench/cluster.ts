import { readFileSync } from "node:fs";
import { z } from "zod";
import { startApp, type AppInstance } from "../tests/helpers/app-server";
import { startRedis, type RedisServer } from "../tests/helpers/redis-server";

/** What the bench runs against: one Redis, two instances sharing it, one in-memory instance. */
export type Cluster = { redis: RedisServer; a: AppInstance; b: AppInstance; memory: AppInstance };

/** Starts everything; on a failure stops whatever did start. */
export async function startCluster(): Promise<Cluster> {
  const started: { stop(): Promise<unknown> }[] = [];
  try {
    const redis = await startRedis();
    if (!redis) throw new Error("redis-server not found on PATH: the bench needs it");
    started.push(redis);
    const env = { REDIS_URL: redis.url };
    const apps = await Promise.allSettled([
      startApp({ env: { ...env, INSTANCE_ID: "bench-a" }, timeoutMs: 60_000 }),
      startApp({ env: { ...env, INSTANCE_ID: "bench-b" }, timeoutMs: 60_000 }),
      startApp({ env: { INSTANCE_ID: "bench-mem" }, timeoutMs: 60_000 }),
    ]);
    for (const app of apps) if (app.status === "fulfilled") started.push(app.value);
    const [a, b, memory] = apps.map((app) => {
      if (app.status === "rejected") throw app.reason;
      return app.value;
    });
    return { redis, a: a!, b: b!, memory: memory! };
  } catch (e) {
    await Promise.allSettled(started.map((s) => s.stop()));
    throw e;
  }
}

/** SIGTERM, then SIGKILL after 5 s: cleanup never hangs. */
export async function stopCluster(c: Partial<Cluster>): Promise<void> {
  const stopApp = async (app: AppInstance | undefined) => {
    if (!app) return;
    const timer = setTimeout(() => void app.kill(), 5000);
    await app.stop().finally(() => clearTimeout(timer));
  };
  await Promise.allSettled([stopApp(c.a), stopApp(c.b), stopApp(c.memory)]);
  await c.redis?.stop();
}

const createdRoom = z.object({ roomId: z.string(), expiresAt: z.number(), capacity: z.number() });

/** A private room and the creator's seat cookie (one "browser" the bench opens every socket from). */
export async function createRoom(baseUrl: string): Promise<{ roomId: string; cookie: string }> {
  const res = await fetch(`${baseUrl}/api/rooms`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ttlSeconds: 1800, capacity: 50 }),
  });
  const body = createdRoom.safeParse(await res.json());
  if (res.status !== 201 || !body.success) throw new Error(`POST /api/rooms answered ${res.status}`);
  const cookie = res.headers.getSetCookie()[0]?.split(";")[0];
  if (!cookie) throw new Error("POST /api/rooms set no seat cookie");
  return { roomId: body.data.roomId, cookie };
}

/** Resident set size and its peak (kB) of a process, from /proc/<pid>/status. */
export function memoryKb(pid: number): { rssKb: number; hwmKb: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
  return { rssKb: field("VmRSS"), hwmKb: field("VmHWM") };
}
