import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import Redis from "ioredis";
import { startRedis, type RedisServer } from "../tests/helpers/redis-server";
import { findBinary } from "../tests/helpers/skip";
import { redisServerPid } from "./proc";
import { sleep } from "./time";

const run = promisify(execFile);

/** A Redis Cluster of `masters` masters and no replicas, owned by the bench. */
export type RedisCluster = { url: string; pids: number[]; nodeUrls: string[]; stop(): Promise<void> };

/**
 * `redis-server --cluster-enabled yes` × `masters` on free ports (each with its own nodes.conf in a
 * temporary directory), `redis-cli --cluster create … --cluster-replicas 0 --cluster-yes`, then
 * waits until every node reports `cluster_state:ok`. On a failure stops whatever did start.
 */
export async function startRedisCluster(masters = 3): Promise<RedisCluster> {
  const cli = findBinary("redis-cli");
  if (!cli) throw new Error("redis-cli not found on PATH: the cluster bench needs it");
  const dir = mkdtempSync(path.join(os.tmpdir(), "flare-bench-cluster-"));
  const nodes: RedisServer[] = [];
  const stop = async () => {
    await Promise.allSettled(nodes.map((n) => n.stop()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < masters; i++) {
      const nodeDir = path.join(dir, String(i));
      mkdirSync(nodeDir);
      const args = ["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--dir", nodeDir];
      const node = await startRedis({ args });
      if (!node) throw new Error("redis-server not found on PATH: the bench needs it");
      nodes.push(node);
    }
    const addresses = nodes.map((n) => `127.0.0.1:${n.port}`);
    await run(cli, ["--cluster", "create", ...addresses, "--cluster-replicas", "0", "--cluster-yes"]);
    await clusterOk(nodes, 20_000);
    const pids = await Promise.all(nodes.map((n) => redisServerPid(n.url)));
    return { url: `redis+cluster://${addresses.join(",")}`, pids, nodeUrls: nodes.map((n) => n.url), stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

async function clusterOk(nodes: RedisServer[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const clients = nodes.map((n) => new Redis(n.url, { lazyConnect: true, maxRetriesPerRequest: 1 }));
  try {
    for (;;) {
      const infos = await Promise.all(clients.map((c) => c.cluster("INFO").catch(() => "")));
      if (infos.every((info) => /^cluster_state:ok/m.test(String(info)))) return;
      if (Date.now() > deadline) throw new Error("the Redis Cluster did not reach cluster_state:ok");
      await sleep(200);
    }
  } finally {
    clients.forEach((c) => c.disconnect());
  }
}
