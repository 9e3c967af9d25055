import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRoom, startCluster, stopCluster, type Cluster } from "./cluster";
import { measureConnections } from "./connections";
import { measureFanout } from "./fanout";
import { measureLatency } from "./latency";
import { measureRedisCost } from "./redis-cost";
import { formatReport, type BenchResults } from "./report";
import { round } from "./stats";
import { now, sleep } from "./time";

/** `npm run bench`: measures, never asserts. Everything it starts it stops. */

const HARD_LIMIT_MS = 170_000;

function step(what: string): void {
  console.error(`[bench] ${what}`);
}

async function runAll(c: Cluster): Promise<Omit<BenchResults, "meta">> {
  step("latency, Redis topology (sender on A; receivers on A and B)");
  const roomAB = await createRoom(c.a.url);
  const latencyRedis = await measureLatency({
    ...roomAB,
    room: roomAB.roomId,
    senderWsUrl: c.a.wsUrl,
    receivers: [
      { label: "same instance (A)", wsUrl: c.a.wsUrl },
      { label: "other instance (B)", wsUrl: c.b.wsUrl },
    ],
    tag: "lat",
  });

  step("latency, memory topology");
  const roomMem = await createRoom(c.memory.url);
  const latencyMemory = await measureLatency({
    ...roomMem,
    room: roomMem.roomId,
    senderWsUrl: c.memory.wsUrl,
    receivers: [{ label: "same instance", wsUrl: c.memory.wsUrl }],
    tag: "mem",
  });

  step("Redis commands per message");
  const roomCost = await createRoom(c.a.url);
  const redisCost = await measureRedisCost({
    ...roomCost,
    room: roomCost.roomId,
    redisUrl: c.redis.url,
    senderWsUrl: c.a.wsUrl,
    receiverWsUrl: c.b.wsUrl,
    tag: "cost",
  });

  step("fan-out: 200 receivers, 10 senders");
  const roomFan = await createRoom(c.a.url);
  const fanout = await measureFanout({ ...roomFan, room: roomFan.roomId, wsUrls: [c.a.wsUrl, c.b.wsUrl], tag: "fan" });
  await sleep(3000); // the fan-out's "left" messages

  step("connection cost: 1000 sockets on B");
  const roomConn = await createRoom(c.b.url);
  const connections = await measureConnections({
    ...roomConn,
    room: roomConn.roomId,
    wsUrl: c.b.wsUrl,
    pid: c.b.pid,
    tag: "conn",
  });
  return { latencyRedis, latencyMemory, redisCost, fanout, connections };
}

async function main(): Promise<void> {
  const start = now();
  let cluster: Partial<Cluster> = {};
  const watchdog = setTimeout(() => {
    console.error(`[bench] over ${HARD_LIMIT_MS / 1000} s: stopping everything`);
    void stopCluster(cluster).finally(() => process.exit(2));
  }, HARD_LIMIT_MS);
  const onSignal = () => void stopCluster(cluster).finally(() => process.exit(130));
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    step("starting redis-server, 2 Redis instances, 1 memory instance");
    cluster = await startCluster();
    const measured = await runAll(cluster as Cluster);
    const cpus = os.cpus();
    const results: BenchResults = {
      meta: {
        date: new Date().toISOString(),
        node: process.version,
        cpus: cpus.length,
        cpuModel: cpus[0]?.model ?? "?",
        totalSeconds: round((now() - start) / 1000, 1),
      },
      ...measured,
    };
    const out = path.join(__dirname, "results", "latest.json");
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, JSON.stringify(results, null, 2) + "\n");
    console.log(formatReport(results));
    console.log(`\nJSON: ${path.relative(process.cwd(), out)}`);
  } finally {
    step("stopping");
    await stopCluster(cluster);
    clearTimeout(watchdog);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
