import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startCluster, stopCluster, type Cluster } from "./cluster";
import { formatReport, type BenchResults } from "./report";
import { runAll } from "./scenarios";
import { round } from "./stats";
import { now, step } from "./time";

/** `npm run bench`: measures, never asserts. Everything it starts it stops. */

const HARD_LIMIT_MS = 240_000;

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
    step("starting redis-server, 2 Redis instances, 1 memory instance, 2 baseline relays");
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
