import { spawn } from "node:child_process";
import path from "node:path";
import { freePort } from "../../tests/helpers/ports";
import { inspectEnv } from "../gc";

/** One process of the baseline relay (bench/baseline/relay.ts). */
export type RelayInstance = { pid: number; port: number; inspectPort: number; wsUrl: string; stop(): Promise<void> };

/** Starts a relay on a free port and resolves once it listens; SIGTERM then SIGKILL after 5 s on stop. */
export async function startRelay(redisUrl: string, instanceId: string, timeoutMs = 20_000): Promise<RelayInstance> {
  const port = await freePort();
  const inspect = await inspectEnv();
  const proc = spawn(process.execPath, ["--import", "tsx", path.join(__dirname, "relay.ts")], {
    env: { ...process.env, ...inspect.env, PORT: String(port), REDIS_URL: redisUrl, INSTANCE_ID: instanceId },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const exit = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
  let exited = false;
  void exit.then(() => (exited = true));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`baseline relay not ready:\n${out}`)), timeoutMs);
    proc.stderr.on("data", (d) => (out += d));
    proc.stdout.on("data", (d) => {
      out += d;
      if (out.includes("> baseline relay ready")) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exit.then(() => {
      clearTimeout(timer);
      reject(new Error(`baseline relay exited before it was ready:\n${out}`));
    });
  }).catch(async (e: unknown) => {
    if (!exited) proc.kill("SIGKILL");
    throw e;
  });
  return {
    pid: proc.pid ?? -1,
    port,
    inspectPort: inspect.port,
    wsUrl: `ws://127.0.0.1:${port}/api/ws`,
    async stop() {
      if (exited) return;
      const timer = setTimeout(() => proc.kill("SIGKILL"), 5000);
      proc.kill("SIGTERM");
      await exit.finally(() => clearTimeout(timer));
    },
  };
}
