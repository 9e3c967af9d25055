import { BenchClient } from "./client";
import { countErrors } from "./latency";
import { driveRooms, type DriveResult } from "./drive";
import type { CpuMeter } from "./proc";
import type { Target } from "./target";
import { inBatches, sleep } from "./time";

export type ChatOptions = {
  target: Target;
  meter: CpuMeter;
  tag: string;
  rooms?: number;
  clientsPerRoom?: number;
  /** Messages per second of the one sender in each room. */
  perSecond?: number;
  warmupSeconds?: number;
  seconds?: number;
};

export type ChatResult = DriveResult & {
  rooms: number;
  clientsPerRoom: number;
  perSecond: number;
  seconds: number;
  errors: Record<string, number>;
};

/** Many small rooms: client j of room r connects to instance (r + j) mod N, client 0 sends (bench/drive.ts). */
export async function measureChat(o: ChatOptions): Promise<ChatResult> {
  const roomCount = o.rooms ?? 20;
  const perRoom = o.clientsPerRoom ?? 4;
  const rate = o.perSecond ?? 5;
  const warmup = o.warmupSeconds ?? 3;
  const seconds = o.seconds ?? 10;
  const { wsUrls } = o.target;
  const rooms = await inBatches(roomCount, 5, (r) => o.target.newRoom(r));
  const clients = await inBatches(roomCount * perRoom, 20, (i) => {
    const r = Math.floor(i / perRoom);
    const j = i % perRoom;
    const { roomId, cookie } = rooms[r]!;
    return BenchClient.join({
      url: wsUrls[(r + j) % wsUrls.length]!,
      room: roomId,
      clientId: `${o.tag}-${r}-${j}`,
      cookie,
    });
  });
  const roomClients = (r: number) => clients.slice(r * perRoom, (r + 1) * perRoom);
  try {
    await sleep(1000); // "joined" messages and presence of the joins settle
    const byRoom = Array.from({ length: roomCount }, (_, r) => roomClients(r));
    const driven = await driveRooms({
      rooms: byRoom,
      meter: o.meter,
      tag: o.tag,
      perSecond: rate,
      warmupSeconds: warmup,
      seconds,
    });
    return {
      rooms: roomCount,
      clientsPerRoom: perRoom,
      perSecond: rate,
      seconds,
      ...driven,
      errors: countErrors(clients),
    };
  } finally {
    await inBatches(clients.length, 50, (i) => clients[i]!.close());
  }
}
