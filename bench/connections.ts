import { BenchClient } from "./client";
import { countErrors } from "./latency";
import { perThousand, totalRssKb, type CpuMeter, type CpuUse, type PerThousand } from "./proc";
import { claimSeats, type SeatClaimResult } from "./seats";
import { round, summarize, type Summary } from "./stats";
import type { Target } from "./target";
import { inBatches, now, sleep, until } from "./time";

export type ConnectionsOptions = {
  target: Target;
  meter: CpuMeter;
  tag: string;
  rooms?: number;
  /** Sockets per room, each on its own seat (Flare's rooms hold at most 50). */
  perRoom?: number;
  batch?: number;
  /** After closing: wait out the leave grace ("left" messages) before the leak reading. */
  settleMs?: number;
};

export type ConnectionsResult = {
  sockets: number;
  rooms: number;
  batch: number;
  joined: number;
  failed: number;
  joinsPerSecond: number;
  /** connect → history, per socket. */
  joinLatency: Summary;
  /** The HTTP seat claims that gave the sockets their cookies (Flare only), measured on their own. */
  seatClaim: SeatClaimResult | undefined;
  /** CPU from the first connect until the joins' broadcasts went quiet. */
  acceptJoin: { cpu: CpuUse; per1kConnections: PerThousand };
  /** Frames / MB the sockets received after their own history (other joins' system messages, presence). */
  framesAfterJoin: number;
  mbAfterJoin: number;
  /** Sockets the server closed while they were held open (e.g. 4008 slow consumer). */
  closedByServer: Record<string, number>;
  /** RSS of all the target's processes after a full GC, MB; `kbPerConnection` = (open − before) / joined. */
  memory: { beforeMb: number; openMb: number; closedMb: number; kbPerConnection: number };
  errors: Record<string, number>;
};

const mb = (kb: number) => round(kb / 1024, 1);

/**
 * Idle joined sockets: client j of room k connects to instance (k + j) mod N with its own seat.
 * Reports the CPU to accept and join them, and the RSS they hold once the joins went quiet.
 */
export async function measureConnections(o: ConnectionsOptions): Promise<ConnectionsResult> {
  const roomCount = o.rooms ?? 20;
  const perRoom = o.perRoom ?? 50;
  const batch = o.batch ?? 50;
  const { wsUrls, pids } = o.target;
  const rooms = await inBatches(roomCount, 5, (k) => o.target.newRoom(k));
  const seats = await claimSeats(o.target, o.meter, rooms, perRoom);
  await sleep(500);
  await o.target.collectGarbage();
  const before = totalRssKb(pids);
  const latencies: number[] = [];
  let failed = 0;
  o.meter.start();
  const start = now();
  const results = await inBatches(roomCount * perRoom, batch, async (i) => {
    const k = Math.floor(i / perRoom);
    const j = i % perRoom;
    const t0 = now();
    const spec = { url: wsUrls[(k + j) % wsUrls.length]!, room: rooms[k]!.roomId, clientId: `${o.tag}-${k}-${j}` };
    try {
      const c = await BenchClient.join({ ...spec, cookie: seats.cookies[k]![j] }, true);
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
    await quiet(clients, 500, 5000); // the tail of presence / "joined" broadcasts
    const cpu = o.meter.stop();
    await o.target.collectGarbage();
    const open = totalRssKb(pids);
    const closedByServer: Record<string, number> = {};
    for (const c of clients)
      if (c.closeCode !== undefined) closedByServer[c.closeCode] = (closedByServer[c.closeCode] ?? 0) + 1;
    const framesAfterJoin = clients.reduce((s, c) => s + c.framesAfterJoin, 0);
    const bytes = clients.reduce((s, c) => s + c.bytesAfterJoin, 0);
    await inBatches(clients.length, 100, (i) => clients[i]!.close());
    await sleep(o.settleMs ?? 3000);
    await o.target.collectGarbage();
    return {
      sockets: roomCount * perRoom,
      rooms: roomCount,
      batch,
      joined: clients.length,
      failed,
      joinsPerSecond: round(clients.length / seconds, 0),
      joinLatency: summarize(latencies),
      seatClaim: seats.claim,
      acceptJoin: { cpu, per1kConnections: perThousand(cpu, clients.length) },
      framesAfterJoin,
      mbAfterJoin: round(bytes / 1024 / 1024, 1),
      closedByServer,
      memory: {
        beforeMb: mb(before),
        openMb: mb(open),
        closedMb: mb(totalRssKb(pids)),
        kbPerConnection: clients.length ? round((open - before) / clients.length, 1) : NaN,
      },
      errors: countErrors(clients),
    };
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
}

/** Resolves once no socket received a frame for `quietMs` (at most `maxMs`). */
async function quiet(clients: BenchClient[], quietMs: number, maxMs: number): Promise<void> {
  const frames = () => clients.reduce((s, c) => s + c.framesAfterJoin, 0);
  let last = frames();
  let since = now();
  await until(() => {
    const n = frames();
    if (n !== last) [last, since] = [n, now()];
    return now() - since >= quietMs;
  }, maxMs);
}
