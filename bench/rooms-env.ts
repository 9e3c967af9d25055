import { LOOPBACK_EXEMPT, startApp, type AppInstance } from "../tests/helpers/app-server";
import { startRedis } from "../tests/helpers/redis-server";
import { redisServerPid } from "./proc";
import { startRedisCluster } from "../tests/helpers/redis-cluster";

/** Where many-rooms runs: two fresh Flare instances on a Redis of their own (one server, or a cluster). */
export type RoomsEnv = {
  topology: "redis" | "cluster";
  redisUrl: string;
  redisPids: number[];
  /** `redis://` of every node (one, or each master). */
  redisNodeUrls: string[];
  a: AppInstance;
  b: AppInstance;
  stop(): Promise<void>;
};

/**
 * Fresh processes, so that neither the other scenarios' heaps nor 10 000 rooms' state leak from one
 * into the other. `cluster`: a 3-master Redis Cluster started here (REDIS_URL=redis+cluster://…).
 */
export async function startRoomsEnv(topology: RoomsEnv["topology"]): Promise<RoomsEnv> {
  const stops: (() => Promise<unknown>)[] = [];
  const stopAll = async () => {
    for (const s of stops.reverse()) await s().catch(() => {});
  };
  try {
    let redisUrl: string;
    let redisPids: number[];
    let redisNodeUrls: string[];
    if (topology === "cluster") {
      const cluster = await startRedisCluster({ masters: 3, replicas: 0 });
      if (!cluster) throw new Error("redis-server / redis-cli not found on PATH: the cluster bench needs them");
      stops.push(cluster.stop);
      redisUrl = cluster.url;
      redisNodeUrls = cluster.nodes.map((n) => `redis://127.0.0.1:${n.port}`);
      redisPids = await Promise.all(redisNodeUrls.map(redisServerPid));
    } else {
      const redis = await startRedis();
      if (!redis) throw new Error("redis-server not found on PATH: the bench needs it");
      stops.push(redis.stop);
      [redisUrl, redisPids, redisNodeUrls] = [redis.url, [await redisServerPid(redis.url)], [redis.url]];
    }
    const env = { REDIS_URL: redisUrl, RATE_LIMIT_EXEMPT: LOOPBACK_EXEMPT };
    const started = await Promise.allSettled(
      ["rooms-a", "rooms-b"].map((id) => startApp({ env: { ...env, INSTANCE_ID: id }, timeoutMs: 60_000 })),
    );
    for (const s of started) if (s.status === "fulfilled") stops.push(() => stopApp(s.value));
    const [a, b] = started.map((s) => {
      if (s.status === "rejected") throw s.reason;
      return s.value;
    });
    return { topology, redisUrl, redisPids, redisNodeUrls, a: a!, b: b!, stop: stopAll };
  } catch (e) {
    await stopAll();
    throw e;
  }
}

/** SIGTERM, then SIGKILL after 10 s (an instance closing 10 000 sockets takes a moment). */
async function stopApp(app: AppInstance): Promise<void> {
  const timer = setTimeout(() => void app.kill(), 10_000);
  await app.stop().finally(() => clearTimeout(timer));
}
