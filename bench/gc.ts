import WebSocket from "ws";
import { z } from "zod";
import { freePort } from "../tests/helpers/ports";
import { sleep } from "./time";

/**
 * A full garbage collection in another Node process, so that RSS readings compare live memory and
 * not whatever garbage the last GC left. The process is started with `--inspect-port` (see
 * `inspectEnv`); SIGUSR1 opens its inspector there, and `HeapProfiler.collectGarbage` runs the GC.
 * Works the same for Flare and for the baseline, with no code in either.
 */

/** Environment that names a free inspector port for a process to be started, and that port. */
export async function inspectEnv(): Promise<{ env: { NODE_OPTIONS: string }; port: number }> {
  const port = await freePort();
  const options = `${process.env.NODE_OPTIONS ?? ""} --inspect-port=127.0.0.1:${port}`.trim();
  return { env: { NODE_OPTIONS: options }, port };
}

const targets = z.array(z.object({ webSocketDebuggerUrl: z.string() }));
const reply = z.object({ id: z.number() });

async function debuggerUrl(port: number, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(`http://127.0.0.1:${port}/json/list`).catch(() => undefined);
    const list = res?.ok ? targets.safeParse(await res.json()) : undefined;
    const url = list?.success ? list.data[0]?.webSocketDebuggerUrl : undefined;
    if (url) return url;
    if (Date.now() > deadline) throw new Error(`no inspector on port ${port}`);
    await sleep(50);
  }
}

export async function collectGarbage(pid: number, inspectPort: number, timeoutMs = 10_000): Promise<void> {
  process.kill(pid, "SIGUSR1");
  const ws = new WebSocket(await debuggerUrl(inspectPort, timeoutMs));
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`GC of ${pid} timed out`)), timeoutMs);
      ws.once("error", reject);
      ws.once("open", () => ws.send(JSON.stringify({ id: 1, method: "HeapProfiler.collectGarbage" })));
      ws.on("message", (data) => {
        let json: unknown;
        try {
          json = JSON.parse(data.toString());
        } catch {
          return;
        }
        if (reply.safeParse(json).data?.id !== 1) return;
        clearTimeout(timer);
        resolve();
      });
    });
  } finally {
    ws.close();
  }
}
