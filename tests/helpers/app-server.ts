import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { freePort } from "./ports";

export const ROOT = path.resolve(__dirname, "../..");

/** One real Flare instance: the bundled server.ts serving the production build, as `npm start` does. */
export type AppInstance = {
  port: number;
  /** The server process (node running server.ts), e.g. for /proc/<pid>/status. */
  pid: number;
  url: string;
  wsUrl: string;
  /** Everything the process printed so far. */
  output(): string;
  /** Sends a signal (default SIGTERM) and waits for the exit; resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** SIGKILL, as a crash would. */
  kill(): Promise<void>;
  readonly exited: boolean;
};

/** What `npm run build` bundles server.ts into (scripts/build-server.mjs). */
const SERVER_BUNDLE = ".next/flare-server.mjs";

/**
 * Tests and benches open thousands of sockets and create many rooms from loopback, so instances
 * exempt it from the per-address limits unless a test passes its own RATE_LIMIT_EXEMPT (e.g. "").
 */
export const LOOPBACK_EXEMPT = "127.0.0.1,::1";

export type StartOptions = {
  env?: Record<string, string | undefined>;
  port?: number;
  timeoutMs?: number;
  /** Another bundle of server.ts than the build's (a bench comparing two builds on one .next). */
  bundle?: string;
  /** Node flags that NODE_OPTIONS refuses (e.g. --cpu-prof). */
  nodeArgs?: string[];
};

export async function startApp(opts: StartOptions = {}): Promise<AppInstance> {
  if (!existsSync(path.join(ROOT, ".next", "BUILD_ID")) || !existsSync(path.join(ROOT, SERVER_BUNDLE))) {
    throw new Error("No production build: run `npm run build` first (npm test does it for you).");
  }
  const port = opts.port ?? (await freePort());
  const proc: ChildProcess = spawn(process.execPath, [...(opts.nodeArgs ?? []), opts.bundle ?? SERVER_BUNDLE], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      PORT: String(port),
      HOSTNAME: "127.0.0.1",
      REDIS_URL: "",
      RATE_LIMIT_EXEMPT: LOOPBACK_EXEMPT,
      ...opts.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  proc.stdout?.on("data", (d) => (out += d));
  proc.stderr?.on("data", (d) => (out += d));
  const exit = new Promise<number | null>((resolve) => proc.once("exit", (code) => resolve(code)));

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`instance on port ${port} not ready in time:\n${out}`)),
      opts.timeoutMs ?? 30_000,
    );
    const check = () => {
      if (out.includes("Flare ready on")) {
        clearTimeout(timer);
        resolve();
      }
    };
    proc.stdout?.on("data", check);
    void exit.then((code) => {
      clearTimeout(timer);
      reject(new Error(`instance exited with ${code} before it was ready:\n${out}`));
    });
  });

  let exited = false;
  void exit.then(() => (exited = true));
  return {
    port,
    pid: proc.pid ?? -1,
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/api/ws`,
    output: () => out,
    get exited() {
      return exited;
    },
    async stop(signal: NodeJS.Signals = "SIGTERM") {
      if (!exited) proc.kill(signal);
      return exit;
    },
    async kill() {
      if (!exited) proc.kill("SIGKILL");
      await exit;
    },
  };
}
