import { z } from "zod";
import { LOOPBACK_EXEMPT, startApp, type AppInstance } from "../tests/helpers/app-server";
import { startRedis, type RedisServer } from "../tests/helpers/redis-server";
import { startRelay, type RelayInstance } from "./baseline/start";
import { BENCH_EMIT_TOKEN } from "./channel";
import { inspectEnv } from "./gc";
import { redisServerPid } from "./proc";

/**
 * What the bench runs against: one Redis, two Flare instances sharing it, one in-memory Flare
 * instance, and two processes of the baseline relay on the same Redis.
 */
export type Cluster = {
  redis: RedisServer;
  redisPid: number;
  a: AppInstance;
  b: AppInstance;
  /** Inspector ports of a and b (for a GC before an RSS reading). */
  inspectPorts: [number, number];
  memory: AppInstance;
  baseline: [RelayInstance, RelayInstance];
};

/** Starts everything; on a failure stops whatever did start. */
export async function startCluster(): Promise<Cluster> {
  const started: { stop(): Promise<unknown> }[] = [];
  try {
    const redis = await startRedis();
    if (!redis) throw new Error("redis-server not found on PATH: the bench needs it");
    started.push(redis);
    const redisPid = await redisServerPid(redis.url);
    // Every bench client connects from 127.0.0.1: the per-address limits would refuse most of them.
    const exempt = { RATE_LIMIT_EXEMPT: LOOPBACK_EXEMPT };
    const env = { REDIS_URL: redis.url, REALTIME_EMIT_TOKEN: BENCH_EMIT_TOKEN, ...exempt };
    const [ia, ib] = await Promise.all([inspectEnv(), inspectEnv()]);
    const [apps, relays] = await Promise.all([
      allStarted(started, [
        startApp({ env: { ...env, ...ia.env, INSTANCE_ID: "bench-a" }, timeoutMs: 60_000 }),
        startApp({ env: { ...env, ...ib.env, INSTANCE_ID: "bench-b" }, timeoutMs: 60_000 }),
        startApp({ env: { ...exempt, INSTANCE_ID: "bench-mem" }, timeoutMs: 60_000 }),
      ]),
      allStarted(started, [startRelay(redis.url, "base-a"), startRelay(redis.url, "base-b")]),
    ]);
    const [a, b, memory] = apps;
    return {
      redis,
      redisPid,
      a: a!,
      b: b!,
      inspectPorts: [ia.port, ib.port],
      memory: memory!,
      baseline: [relays[0]!, relays[1]!],
    };
  } catch (e) {
    await Promise.allSettled(started.map((s) => s.stop()));
    throw e;
  }
}

/** Waits for every start; records the ones that started (to stop them), then throws the first failure. */
async function allStarted<T extends { stop(): Promise<unknown> }>(
  started: { stop(): Promise<unknown> }[],
  starts: Promise<T>[],
): Promise<T[]> {
  const settled = await Promise.allSettled(starts);
  for (const s of settled) if (s.status === "fulfilled") started.push(s.value);
  return settled.map((s) => {
    if (s.status === "rejected") throw s.reason;
    return s.value;
  });
}

/** SIGTERM, then SIGKILL after 5 s: cleanup never hangs. */
export async function stopCluster(c: Partial<Cluster>): Promise<void> {
  const stopApp = async (app: AppInstance | undefined) => {
    if (!app) return;
    const timer = setTimeout(() => void app.kill(), 5000);
    await app.stop().finally(() => clearTimeout(timer));
  };
  await Promise.allSettled([stopApp(c.a), stopApp(c.b), stopApp(c.memory), ...(c.baseline ?? []).map((r) => r.stop())]);
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

/** Claims one more seat of a room over HTTP (`POST /api/rooms/:id/join`, no cookie): the new seat's cookie. */
export async function claimSeat(baseUrl: string, roomId: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/rooms/${roomId}/join`, {
    method: "POST",
    headers: { "content-type": "application/json" },
  });
  await res.arrayBuffer();
  const cookie = res.headers.getSetCookie()[0]?.split(";")[0];
  if (res.status !== 200 || !cookie) throw new Error(`POST /api/rooms/${roomId}/join answered ${res.status}`);
  return cookie;
}
