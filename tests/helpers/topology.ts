import { after, before, describe } from "node:test";
import Redis, { Cluster } from "ioredis";
import { startApp, type AppInstance, type StartOptions } from "./app-server";
import { startRedisCluster, type RedisCluster } from "./redis-cluster";
import { startRedis, type RedisServer } from "./redis-server";
import { skipUnless } from "./skip";

/**
 * The same suite runs against every deployment shape: one in-memory instance, several instances
 * sharing a real redis-server started for the suite, and several sharing a real Redis Cluster.
 */
export type Topology = {
  name: string;
  instances: AppInstance[];
  /** The redis-server of a "single" topology. */
  redis?: RedisServer;
  /** The Redis Cluster of a "cluster" topology. */
  cluster?: RedisCluster;
  /** A new connection to the Redis the instances share (undefined in memory); the caller disconnects it. */
  connectRedis(): Redis | Cluster | undefined;
  /** WebSocket URL of instance `i` (wrapping), so clients spread over instances. */
  ws(i?: number): string;
  http(i?: number): string;
  /** Starts another instance with the suite's settings (e.g. to replace a stopped one). */
  addInstance(opts?: StartOptions): Promise<AppInstance>;
};

export type TopologySpec = {
  name: string;
  /** Which Redis the instances share: none (in memory), one redis-server, or a 3-master cluster. */
  redis: false | "single" | "cluster";
  instances: number;
  env?: Record<string, string>;
};

export const TOPOLOGIES: TopologySpec[] = [
  { name: "memory, 1 instance", redis: false, instances: 1 },
  { name: "redis, 2 instances", redis: "single", instances: 2 },
  { name: "redis cluster, 2 instances", redis: "cluster", instances: 2 },
];

/**
 * FLARE_TOPOLOGIES narrows a local run to the topologies whose kind (the name before its comma) is
 * one of its comma-separated entries: `memory`, `redis` (one redis-server), `redis cluster`, e.g.
 * `FLARE_TOPOLOGIES=memory,redis cluster`. CI runs them all.
 */
function selected(): TopologySpec[] {
  const only = process.env.FLARE_TOPOLOGIES?.split(",").map((o) => o.trim());
  return only ? TOPOLOGIES.filter((s) => only.includes(s.name.split(",")[0]!)) : TOPOLOGIES;
}

export function forEachTopology(
  suite: string,
  body: (t: Topology) => void,
  opts: { specs?: TopologySpec[]; env?: Record<string, string> } = {},
): void {
  for (const spec of opts.specs ?? selected()) {
    const t: Topology = {
      name: spec.name,
      instances: [],
      ws: (i = 0) => t.instances[i % t.instances.length]!.wsUrl,
      http: (i = 0) => t.instances[i % t.instances.length]!.url,
      connectRedis: () => (t.cluster ? t.cluster.client() : t.redis ? new Redis(t.redis.url) : undefined),
      addInstance: async (extra = {}) => {
        const inst = await startApp({ ...extra, env: { ...envFor(spec, t, opts.env), ...extra.env } });
        t.instances.push(inst);
        return inst;
      },
    };
    const skip =
      (spec.redis && skipUnless("redis-server", "Redis")) ||
      (spec.redis === "cluster" && skipUnless("redis-cli", "Redis Cluster"));
    describe(`${suite} [${spec.name}]`, { skip }, () => {
      before(async () => {
        if (spec.redis === "single") t.redis = await startRedis();
        if (spec.redis === "cluster") t.cluster = await startRedisCluster({ masters: 3 });
        t.instances.push(
          ...(await Promise.all(
            Array.from({ length: spec.instances }, () => startApp({ env: envFor(spec, t, opts.env) })),
          )),
        );
      });
      after(async () => {
        await Promise.all(t.instances.map((i) => i.kill()));
        await t.redis?.stop();
        await t.cluster?.stop();
      });
      body(t);
    });
  }
}

function envFor(spec: TopologySpec, t: Topology, extra?: Record<string, string>): Record<string, string> {
  return {
    ...(t.redis ? { REDIS_URL: t.redis.url } : {}),
    ...(t.cluster ? { REDIS_URL: t.cluster.url } : {}),
    ...spec.env,
    ...extra,
  };
}
