import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import Redis, { Cluster } from "ioredis";
import { freePort } from "./ports";
import { redisBinaries, spawnRedisServer, type RedisProcess } from "./redis-process";
import { eventually } from "./wait";

export const CLUSTER_SLOTS = 16384;
/** Short, so a killed master's replica takes over within a few seconds. */
export const CLUSTER_NODE_TIMEOUT_MS = 1500;

export type ClusterNode = {
  port: number;
  pid?: number;
  /** The role it had once the cluster was formed (a failover changes it: ask `slotOwner`). */
  role: "master" | "replica";
};

/** A real Redis Cluster owned by the test: redis-server nodes on free ports, keeping nothing on disk. */
export type RedisCluster = {
  /** What REDIS_URL takes: `redis+cluster://127.0.0.1:P1,127.0.0.1:P2,…` (every node a seed). */
  url: string;
  nodes: ClusterNode[];
  /** Kills every node and removes the nodes' directory; safe to call twice. */
  stop(): Promise<void>;
  /** SIGKILL one node, as a crash would (for failover). */
  killNode(port: number): Promise<void>;
  /** A plain connection to one node (not cluster-aware), closed by `stop`. */
  admin(port: number): Redis;
  /** A new cluster-aware connection (every node a seed); the caller disconnects it. */
  client(): Cluster;
  /** The ports of the nodes still running. */
  alive(): number[];
};

/** A range of slots as CLUSTER SLOTS reports it: the ports of its master and of its replicas. */
export type SlotRange = { from: number; to: number; master: number; replicas: number[] };

type Spawned = { node: ClusterNode; proc: RedisProcess; busPort: number };

/**
 * Starts `masters` masters with `replicas` replicas each, joins them with `redis-cli --cluster
 * create`, and resolves once every node sees the whole cluster (all slots assigned, state ok, every
 * replica in sync). Undefined (after a loud warning) when redis-server or redis-cli is missing and
 * CI is not "true"; in CI that throws.
 */
export async function startRedisCluster(
  opts: { masters?: number; replicas?: number } = {},
): Promise<RedisCluster | undefined> {
  const { masters = 3, replicas = 0 } = opts;
  const bins = redisBinaries(["redis-server", "redis-cli"] as const);
  if (!bins) return undefined;
  const dir = mkdtempSync(path.join(tmpdir(), "flare-cluster-"));
  const spawned: Spawned[] = [];
  const admins = new Map<number, Redis>();
  let stopped = false;

  const stop = async () => {
    stopped = true;
    for (const a of admins.values()) a.disconnect();
    admins.clear();
    await Promise.allSettled(spawned.map((s) => s.proc.kill9()));
    rmSync(dir, { recursive: true, force: true });
  };
  const admin = (port: number) => {
    if (stopped) throw new Error("the cluster was stopped");
    let a = admins.get(port);
    if (!a) {
      a = new Redis({
        host: "127.0.0.1",
        port,
        maxRetriesPerRequest: 1,
        enableOfflineQueue: false,
        lazyConnect: false,
      });
      a.on("error", () => {}); // a killed node: its commands fail, which is what the caller asked about
      admins.set(port, a);
    }
    return a;
  };

  try {
    const ports = await distinctFreePorts(2 * masters * (1 + replicas));
    for (let i = 0; i < ports.length; i += 2) {
      const port = ports[i]!;
      const busPort = ports[i + 1]!;
      // An explicit bus port: the default (port + 10000) may be taken or above 65535 for a free port.
      const proc = await spawnRedisServer(bins["redis-server"], port, [
        "--cluster-enabled",
        "yes",
        "--cluster-port",
        String(busPort),
        "--cluster-config-file",
        path.join(dir, `nodes-${port}.conf`),
        "--cluster-node-timeout",
        String(CLUSTER_NODE_TIMEOUT_MS),
        "--dir",
        dir,
      ]);
      spawned.push({ node: { port, pid: proc.pid, role: "master" }, proc, busPort });
    }
    await promisify(execFile)(
      bins["redis-cli"],
      [
        "--cluster",
        "create",
        ...spawned.map((s) => `127.0.0.1:${s.node.port}`),
        "--cluster-replicas",
        String(replicas),
        "--cluster-yes",
      ],
      { timeout: 30_000 },
    );
    await eventually(
      async () => await formed(spawned, replicas, admin),
      30_000,
      "every cluster node to see the whole cluster",
    );
    for (const s of spawned) {
      const role = await admin(s.node.port).role();
      s.node.role = role[0] === "master" ? "master" : "replica";
    }
  } catch (e) {
    await stop();
    throw e;
  }

  const nodes = spawned.map((s) => s.node);
  return {
    url: `redis+cluster://${nodes.map((n) => `127.0.0.1:${n.port}`).join(",")}`,
    nodes,
    stop,
    admin,
    client: () => new Cluster(nodes.map((n) => ({ host: "127.0.0.1", port: n.port }))),
    alive: () => spawned.filter((s) => s.proc.running).map((s) => s.node.port),
    async killNode(port) {
      const s = spawned.find((x) => x.node.port === port);
      if (!s) throw new Error(`no cluster node on port ${port}`);
      admins.get(port)?.disconnect();
      admins.delete(port);
      await s.proc.kill9();
    },
  };
}

/**
 * True once every node reports state ok, all slots assigned, every node known, and every replica
 * linked and listed by every node (a failover test needs the replicas' offsets gossiped too).
 */
async function formed(spawned: Spawned[], replicas: number, admin: (port: number) => Redis): Promise<boolean> {
  for (const { node } of spawned) {
    const info = parseInfo(await admin(node.port).cluster("INFO"));
    if (info.cluster_state !== "ok") return false;
    if (Number(info.cluster_slots_assigned) !== CLUSTER_SLOTS) return false;
    if (Number(info.cluster_known_nodes) !== spawned.length) return false;
    const repl = parseInfo(await admin(node.port).info("replication"));
    if (repl.role === "slave" && repl.master_link_status !== "up") return false;
    const ranges = parseSlots(await admin(node.port).cluster("SLOTS"));
    if (ranges.some((range) => range.replicas.length !== replicas)) return false;
  }
  return true;
}

/** CLUSTER SLOTS' reply, checked. */
export function parseSlots(reply: unknown): SlotRange[] {
  if (!Array.isArray(reply)) throw new Error(`CLUSTER SLOTS answered ${JSON.stringify(reply)}`);
  return reply.map((entry: unknown) => {
    if (!Array.isArray(entry) || entry.length < 3) throw new Error(`bad CLUSTER SLOTS entry ${JSON.stringify(entry)}`);
    const [from, to, master, ...replicas]: unknown[] = entry;
    return { from: Number(from), to: Number(to), master: portOf(master), replicas: replicas.map(portOf) };
  });
}

function portOf(node: unknown): number {
  if (!Array.isArray(node) || typeof node[1] !== "number") throw new Error(`bad node ${JSON.stringify(node)}`);
  return node[1];
}

/** `key:value` lines (CLUSTER INFO, INFO) as a record. */
export function parseInfo(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const i = line.indexOf(":");
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1).trim();
  }
  return out;
}

/** `n` ports that were free a moment ago, all different. */
async function distinctFreePorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}
