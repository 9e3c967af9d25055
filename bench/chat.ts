import { BenchClient } from "./client";
import { countErrors } from "./latency";
import { perThousand, type CpuMeter, type CpuUse, type PerThousand } from "./proc";
import { summarize, type Summary } from "./stats";
import type { Target } from "./target";
import { inBatches, paced, sleep, until } from "./time";

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

export type ChatResult = {
  rooms: number;
  clientsPerRoom: number;
  perSecond: number;
  seconds: number;
  /** Messages sent in the measured window (after the warmup). */
  messages: number;
  /** Measured messages × the other clients of their room (the sender's own copy is not counted). */
  deliveriesExpected: number;
  deliveries: number;
  latency: Summary;
  cpu: CpuUse;
  per1kDeliveries: PerThousand;
  errors: Record<string, number>;
};

/**
 * Many small rooms: client j of room r connects to instance (r + j) mod N, client 0 sends. CPU of
 * the servers and of Redis is read from the end of the warmup until every measured message has
 * reached every other client of its room (or 10 s after the last send).
 */
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
    const warmupCount = roomCount * rate * warmup;
    const total = warmupCount + roomCount * rate * seconds;
    const measured = `${o.tag}-m`;
    const sentAt = new Map<string, number>();
    // One schedule for all rooms: tick i is room i mod rooms, so each sender sends `rate` per second.
    await paced(total, roomCount * rate, (i) => {
      if (i === warmupCount) o.meter.start();
      const r = i % roomCount;
      const nonce = i < warmupCount ? `${o.tag}-w${i}` : `${measured}${i}`;
      const at = roomClients(r)[0]!.sendMessage(`chat ${o.tag} room ${r} #${i}`, nonce);
      if (i >= warmupCount) sentAt.set(nonce, at);
    });
    const perRoomMessages = (total - warmupCount) / roomCount;
    const receivers = rooms.flatMap((_, r) => roomClients(r).slice(1));
    await until(() => receivers.every((c) => c.tagged(measured).length >= perRoomMessages), 10_000);
    const cpu = o.meter.stop();
    const samples = receivers.flatMap((c) => c.tagged(measured).map((a) => a.at - (sentAt.get(a.nonce ?? "") ?? NaN)));
    return {
      rooms: roomCount,
      clientsPerRoom: perRoom,
      perSecond: rate,
      seconds,
      messages: sentAt.size,
      deliveriesExpected: sentAt.size * (perRoom - 1),
      deliveries: samples.length,
      latency: summarize(samples),
      cpu,
      per1kDeliveries: perThousand(cpu, samples.length),
      errors: countErrors(clients),
    };
  } finally {
    await inBatches(clients.length, 50, (i) => clients[i]!.close());
  }
}
