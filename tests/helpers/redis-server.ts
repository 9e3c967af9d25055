import { spawn, type ChildProcess } from "node:child_process";
import { createConnection } from "node:net";
import { freePort } from "./ports";
import { sleep } from "./wait";
import { findBinary, inCI } from "./skip";

/** A real redis-server owned by the test, on a free port, keeping nothing on disk. */
export type RedisServer = {
  port: number;
  url: string;
  stop(): Promise<void>;
  /** SIGKILL, as a crash would. */
  kill9(): Promise<void>;
  /** Starts a fresh, empty server on the same port (after stop or kill9). */
  restart(): Promise<void>;
};

/** Undefined (after a loud warning) when redis-server is missing and CI is not "true". */
export async function startRedis(opts: { args?: string[] } = {}): Promise<RedisServer | undefined> {
  const bin = findBinary("redis-server");
  if (!bin) {
    if (inCI) throw new Error("redis-server not found; CI=true requires the Redis tests to run");
    console.warn("\n!!!!! SKIPPING Redis tests: redis-server not found on PATH !!!!!\n");
    return undefined;
  }
  const port = await freePort();
  let proc: ChildProcess | undefined;

  const launch = async () => {
    proc = spawn(
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
        ...(opts.args ?? []),
      ],
      {
        stdio: "ignore",
      },
    );
    await waitForPort(port, 5000);
  };
  const exited = (p: ChildProcess) =>
    p.exitCode !== null || p.signalCode !== null
      ? Promise.resolve()
      : new Promise<void>((r) => p.once("exit", () => r()));

  const halt = async (signal: NodeJS.Signals) => {
    if (!proc) return;
    const p = proc;
    proc = undefined;
    p.kill(signal);
    await exited(p);
  };
  const stop = () => halt("SIGTERM");
  await launch();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop,
    kill9: () => halt("SIGKILL"),
    async restart() {
      await stop();
      await launch();
    },
  };
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
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
    if (Date.now() > deadline) throw new Error(`redis-server did not open port ${port}`);
    await sleep(25);
  }
}
