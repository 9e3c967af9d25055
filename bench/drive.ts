import type { BenchClient } from "./client";
import { perThousand, type CpuMeter, type CpuUse, type PerThousand } from "./proc";
import { summarize, type Summary } from "./stats";
import { paced, until } from "./time";

export type DriveOptions = {
  /** The joined clients of each room: client 0 sends, the others receive. */
  rooms: BenchClient[][];
  meter: CpuMeter;
  tag: string;
  /** Messages per second of the one sender in each room. */
  perSecond: number;
  warmupSeconds: number;
  seconds: number;
};

export type DriveResult = {
  /** Messages sent in the measured window (after the warmup). */
  messages: number;
  /** Measured messages × the other clients of their room (the sender's own copy is not counted). */
  deliveriesExpected: number;
  deliveries: number;
  latency: Summary;
  cpu: CpuUse;
  per1kDeliveries: PerThousand;
};

/**
 * One sender per room at a steady rate: CPU of the servers and of Redis is read from the end of the
 * warmup until every measured message has reached every other client of its room (or 10 s after
 * the last send).
 */
export async function driveRooms(o: DriveOptions): Promise<DriveResult> {
  const roomCount = o.rooms.length;
  const warmupCount = roomCount * o.perSecond * o.warmupSeconds;
  const total = warmupCount + roomCount * o.perSecond * o.seconds;
  const measured = `${o.tag}-m`;
  const sentAt = new Map<string, number>();
  // One schedule for all rooms: tick i is room i mod rooms, so each sender sends `perSecond`.
  await paced(total, roomCount * o.perSecond, (i) => {
    if (i === warmupCount) o.meter.start();
    const r = i % roomCount;
    const nonce = i < warmupCount ? `${o.tag}-w${i}` : `${measured}${i}`;
    const at = o.rooms[r]![0]!.sendMessage(`${o.tag} room ${r} #${i}`, nonce);
    if (i >= warmupCount) sentAt.set(nonce, at);
  });
  const perRoomMessages = (total - warmupCount) / roomCount;
  const receivers = o.rooms.flatMap((clients) => clients.slice(1));
  await until(() => receivers.every((c) => c.tagged(measured).length >= perRoomMessages), 10_000);
  const cpu = o.meter.stop();
  const samples = receivers.flatMap((c) => c.tagged(measured).map((a) => a.at - (sentAt.get(a.nonce ?? "") ?? NaN)));
  return {
    messages: sentAt.size,
    deliveriesExpected: o.rooms.reduce((s, clients) => s + perRoomMessages * (clients.length - 1), 0),
    deliveries: samples.length,
    latency: summarize(samples),
    cpu,
    per1kDeliveries: perThousand(cpu, samples.length),
  };
}
