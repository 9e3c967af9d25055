import { after, before, describe } from "node:test";
import { startApp, type AppInstance, type StartOptions } from "./app-server";
import { startRedis, type RedisServer } from "./redis-server";
import { skipUnless } from "./skip";

/**
 * The same suite runs against every deployment shape: one in-memory instance, and several
 * instances sharing a real redis-server started for the suite.
 */
export type Topology = {
  name: string;
  instances: AppInstance[];
  redis?: RedisServer;
  /** WebSocket URL of instance `i` (wrapping), so clients spread over instances. */
  ws(i?: number): string;
  http(i?: number): string;
  /** Starts another instance with the suite's settings (e.g. to replace a stopped one). */
  addInstance(opts?: StartOptions): Promise<AppInstance>;
};

export type TopologySpec = { name: string; redis: boolean; instances: number; env?: Record<string, string> };

export const TOPOLOGIES: TopologySpec[] = [
  { name: "memory, 1 instance", redis: false, instances: 1 },
  { name: "redis, 2 instances", redis: true, instances: 2 },
];

/** FLARE_TOPOLOGIES=memory (or redis) narrows a local run; CI runs them all. */
function selected(): TopologySpec[] {
  const only = process.env.FLARE_TOPOLOGIES;
  return only ? TOPOLOGIES.filter((s) => only.split(",").some((o) => s.name.startsWith(o.trim()))) : TOPOLOGIES;
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
      addInstance: async (extra = {}) => {
        const inst = await startApp({ ...extra, env: { ...envFor(spec, t, opts.env), ...extra.env } });
        t.instances.push(inst);
        return inst;
      },
    };
    const skip = spec.redis ? skipUnless("redis-server", "Redis") : false;
    describe(`${suite} [${spec.name}]`, { skip }, () => {
      before(async () => {
        if (spec.redis) t.redis = await startRedis();
        t.instances.push(
          ...(await Promise.all(
            Array.from({ length: spec.instances }, () => startApp({ env: envFor(spec, t, opts.env) })),
          )),
        );
      });
      after(async () => {
        await Promise.all(t.instances.map((i) => i.kill()));
        await t.redis?.stop();
      });
      body(t);
    });
  }
}

function envFor(spec: TopologySpec, t: Topology, extra?: Record<string, string>): Record<string, string> {
  return {
    ...(t.redis ? { REDIS_URL: t.redis.url } : {}),
    ...spec.env,
    ...extra,
  };
}
