import { readFileSync } from "node:fs";
import WebSocket from "ws";

/** Resident memory of a process in bytes (VmRSS of /proc/<pid>/status). */
export function rssBytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8").match(/^VmRSS:\s+(\d+) kB$/m);
  if (!line) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(line[1]) * 1024;
}

export const MiB = 1024 * 1024;

/**
 * The kernel's state of the IPv4 TCP connection from 127.0.0.1:`localPort` to `remotePort`
 * (/proc/net/tcp: "01" established, "04" FIN_WAIT1, …), or null once it is gone. Lets a test see
 * that a server closed a connection whose client is not reading (the client cannot see the FIN
 * until it reads what is queued before it).
 */
export function tcpState(localPort: number, remotePort: number): string | null {
  const hex = (port: number) => port.toString(16).toUpperCase().padStart(4, "0");
  const local = `0100007F:${hex(localPort)}`;
  const remote = `0100007F:${hex(remotePort)}`;
  for (const line of readFileSync("/proc/net/tcp", "utf8").split("\n").slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols[1] === local && cols[2] === remote) return cols[3]!;
  }
  return null;
}

/**
 * Runs a full garbage collection in an instance started with `NODE_OPTIONS=--inspect=127.0.0.1:0`
 * (through the inspector protocol, as DevTools does), so a memory figure measures what is live,
 * not when V8 last happened to collect.
 */
export async function collectGarbage(output: string): Promise<void> {
  const url = /Debugger listening on (ws:\/\/\S+)/.exec(output)?.[1];
  if (!url) throw new Error("the instance has no inspector: start it with NODE_OPTIONS=--inspect=127.0.0.1:0");
  const ws = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    ws.on("open", () => ws.send(JSON.stringify({ id: 1, method: "HeapProfiler.collectGarbage" })));
    ws.on("message", (data) => {
      const reply: unknown = JSON.parse(data.toString());
      if (typeof reply === "object" && reply !== null && "id" in reply && reply.id === 1) resolve();
    });
    ws.on("error", reject);
  });
  ws.close();
}
