import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startCluster, stopCluster, type Cluster } from "./cluster";
import { benchFlags, hardLimitMs } from "./flags";
import { measureManyRooms, type ManyRoomsResult } from "./many-rooms";
import { formatReport, type BenchResults, type StandardResults } from "./report";
import { startRoomsEnv, type RoomsEnv } from "./rooms-env";
import { runAll } from "./scenarios";
import { round } from "./stats";
import { now, step } from "./time";

/** `npm run bench`: measures, never asserts. Everything it starts it stops. Options: bench/flags.ts. */

async function main(): Promise<void> {
  const start = now();
  const flags = benchFlags(process.argv.slice(2));
  const limitMs = hardLimitMs(flags);
  let cluster: Partial<Cluster> = {};
  let roomsEnv: RoomsEnv | undefined;
  const stopAll = () => Promise.allSettled([stopCluster(cluster), roomsEnv?.stop()]);
  const watchdog = setTimeout(() => {
    console.error(`[bench] over ${limitMs / 1000} s: stopping everything`);
    void stopAll().finally(() => process.exit(2));
  }, limitMs);
  const onSignal = () => void stopAll().finally(() => process.exit(130));
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    let standard: StandardResults | undefined;
    if (flags.standard) {
      step("starting redis-server, 2 Redis instances, 1 memory instance, 2 baseline relays");
      cluster = await startCluster();
      standard = await runAll(cluster as Cluster);
      await stopCluster(cluster); // its idle processes would share the cores with many-rooms
      cluster = {};
    }
    let manyRooms: ManyRoomsResult[] | undefined;
    for (const topology of flags.manyRooms) {
      step(
        `many-rooms (${topology}): starting ${topology === "cluster" ? "a 3-master Redis Cluster" : "redis-server"} and 2 Flare instances`,
      );
      roomsEnv = await startRoomsEnv(topology);
      try {
        (manyRooms ??= []).push(await measureManyRooms({ env: roomsEnv, rooms: flags.rooms }));
      } finally {
        step(`many-rooms (${topology}): stopping`);
        await roomsEnv.stop();
        roomsEnv = undefined;
      }
    }
    const cpus = os.cpus();
    const meta = {
      date: new Date().toISOString(),
      node: process.version,
      cpus: cpus.length,
      cpuModel: cpus[0]?.model ?? "?",
      totalSeconds: round((now() - start) / 1000, 1),
    };
    const results: BenchResults = { meta, ...standard, ...(manyRooms && { manyRooms }) };
    const out = path.join(__dirname, "results", "latest.json");
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, JSON.stringify(results, null, 2) + "\n");
    console.log(formatReport(meta, standard, manyRooms));
    console.log(`\nJSON: ${path.relative(process.cwd(), out)}`);
  } finally {
    step("stopping");
    await stopAll();
    clearTimeout(watchdog);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
