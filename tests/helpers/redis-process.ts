import { spawn, type ChildProcess } from "node:child_process";
import { createConnection } from "node:net";
import { sleep } from "./wait";
import { findBinary, inCI } from "./skip";

/**
 * The pieces every Redis the tests start shares (a single redis-server, a cluster's nodes): finding
 * the binaries under the loud skip rule, and one redis-server process on a port, keeping nothing on
 * disk.
 */

/**
 * Resolves each binary on PATH. Undefined (after a loud warning) when one is missing and CI is not
 * "true"; in CI a missing binary throws, since CI=true requires the Redis tests to run.
 */
export function redisBinaries<B extends string>(names: readonly B[]): Record<B, string> | undefined {
  const found = {} as Record<B, string>;
  const missing: string[] = [];
  for (const name of names) {
    const path = findBinary(name);
    if (path) found[name] = path;
    else missing.push(name);
  }
  if (!missing.length) return found;
  const what = `${missing.join(", ")} not found`;
  if (inCI) throw new Error(`${what}; CI=true requires the Redis tests to run`);
  console.warn(`\n!!!!! SKIPPING Redis tests: ${what} on PATH !!!!!\n`);
  return undefined;
}

/** One running redis-server process. */
export type RedisProcess = {
  port: number;
  pid: number | undefined;
  readonly running: boolean;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
  /** SIGKILL, as a crash would, and wait for the exit. */
  kill9(): Promise<void>;
};

/** Starts redis-server on `port` (bound to 127.0.0.1, no RDB, no AOF) and resolves once it accepts connections. */
export async function spawnRedisServer(bin: string, port: number, args: string[] = []): Promise<RedisProcess> {
  let proc: ChildProcess | undefined = spawn(
    bin,
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--loglevel",
      "warning",
      ...args,
    ],
    { stdio: "ignore" },
  );
  const pid = proc.pid;
  const halt = async (signal: NodeJS.Signals) => {
    if (!proc) return;
    const p = proc;
    proc = undefined;
    p.kill(signal);
    await exited(p);
  };
  try {
    await waitForPort(port, 5000, proc);
  } catch (e) {
    await halt("SIGKILL");
    throw e;
  }
  return {
    port,
    pid,
    get running() {
      return proc !== undefined;
    },
    stop: () => halt("SIGTERM"),
    kill9: () => halt("SIGKILL"),
  };
}

const exited = (p: ChildProcess) =>
  p.exitCode !== null || p.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((r) => p.once("exit", () => r()));

async function waitForPort(port: number, timeoutMs: number, proc: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = createConnection({ port, host: "127.0.0.1" }, () => {
        s.end();
        resolve(true);
      });
      s.on("error", () => resolve(false));
    });
    if (ok) return;
    if (proc.exitCode !== null) throw new Error(`redis-server on port ${port} exited with ${proc.exitCode}`);
    if (Date.now() > deadline) throw new Error(`redis-server did not open port ${port}`);
    await sleep(25);
  }
}
