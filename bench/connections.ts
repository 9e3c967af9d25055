import { BenchClient } from "./client";
import { memoryKb } from "./cluster";
import { countErrors } from "./latency";
import { round, summarize, type Summary } from "./stats";
import { inBatches, now, sleep } from "./time";

export type ConnectionsOptions = {
  room: string;
  cookie: string;
  wsUrl: string;
  pid: number;
  count?: number;
  batch?: number;
  tag: string;
  /** After closing: wait out the leave grace ("left" messages) before the leak reading. */
  settleMs?: number;
};

type Mem = { rssMb: number; peakMb: number };

export type ConnectionsResult = {
  sockets: number;
  batch: number;
  joined: number;
  failed: number;
  joinsPerSecond: number;
  /** connect → history, per socket. */
  joinLatency: Summary;
  /** Frames / MB the sockets received after their own history (other joins' system messages, presence). */
  framesAfterJoin: number;
  mbAfterJoin: number;
  /** Sockets the server closed while they were held open (e.g. 4008 slow consumer). */
  closedByServer: Record<string, number>;
  memory: { before: Mem; open: Mem; closed: Mem };
  errors: Record<string, number>;
};

const mb = (kb: number) => round(kb / 1024, 1);

function readMem(pid: number): Mem {
  const m = memoryKb(pid);
  return { rssMb: mb(m.rssKb), peakMb: mb(m.hwmKb) };
}

/** Opens `count` sockets (distinct clientIds, one room) in batches; memory before, open, after close. */
export async function measureConnections(o: ConnectionsOptions): Promise<ConnectionsResult> {
  const count = o.count ?? 1000;
  const batch = o.batch ?? 50;
  const before = readMem(o.pid);
  const latencies: number[] = [];
  let failed = 0;
  const start = now();
  const results = await inBatches(count, batch, async (i) => {
    const t0 = now();
    try {
      const c = await BenchClient.join(
        { url: o.wsUrl, room: o.room, clientId: `${o.tag}-${i}`, cookie: o.cookie },
        true,
      );
      latencies.push(now() - t0);
      return c;
    } catch {
      failed++;
      return undefined;
    }
  });
  const seconds = (now() - start) / 1000;
  const clients = results.filter((c): c is BenchClient => c !== undefined);
  try {
    await sleep(2000); // the tail of presence / "joined" broadcasts
    const open = readMem(o.pid);
    const closedByServer: Record<string, number> = {};
    for (const c of clients)
      if (c.closeCode !== undefined) closedByServer[c.closeCode] = (closedByServer[c.closeCode] ?? 0) + 1;
    const framesAfterJoin = clients.reduce((s, c) => s + c.framesAfterJoin, 0);
    const bytes = clients.reduce((s, c) => s + c.bytesAfterJoin, 0);
    await inBatches(clients.length, 100, (i) => clients[i]!.close());
    await sleep(o.settleMs ?? 6000);
    return {
      sockets: count,
      batch,
      joined: clients.length,
      failed,
      joinsPerSecond: round(clients.length / seconds, 0),
      joinLatency: summarize(latencies),
      framesAfterJoin,
      mbAfterJoin: round(bytes / 1024 / 1024, 1),
      closedByServer,
      memory: { before, open, closed: readMem(o.pid) },
      errors: countErrors(clients),
    };
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
}
