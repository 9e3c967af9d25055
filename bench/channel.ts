import { z } from "zod";
import { channelEventSchema, compareIds } from "../lib/protocol";
import { ChannelSubscriber } from "./channel-client";
import { checkOrder, measureFanout, type FanoutResult } from "./fanout";
import { perThousand, type CpuMeter, type CpuUse, type PerThousand } from "./proc";
import { round, summarize, type Summary } from "./stats";
import type { Target } from "./target";
import { inBatches, now, paced, sleep, until } from "./time";

/** The token the bench's Flare instances run with (`REALTIME_EMIT_TOKEN`, bench/cluster.ts). */
export const BENCH_EMIT_TOKEN = "bench-emit-token-0123456789abcdef";

export type ChannelOptions = {
  target: Target;
  /** Flare: where the emitter posts (`POST /api/realtime/emit`); the baseline sends over a socket instead. */
  emitUrl?: string;
  meter: CpuMeter;
  tag: string;
  subscribers?: number;
  perSecond?: number;
  seconds?: number;
};

export type ChannelResult = {
  subscribers: number;
  perSecond: number;
  seconds: number;
  emitted: number;
  /** Emits not answered 201 (Flare) or not acked (baseline). */
  emitFailed: number;
  deliveriesExpected: number;
  deliveries: number;
  /** Deliveries per second, from the first emit to the last arrival. */
  deliveredPerSecond: number;
  /** emit sent → arrival at a subscriber. */
  latency: Summary;
  order: FanoutResult["order"];
  subscribeSeconds: number;
  cpu: CpuUse;
  per1kDeliveries: PerThousand;
  /** Flare: CPU of the emits alone (the same count and rate to a channel nobody follows), per emit. */
  emitOnly?: { emits: number; serverMsEach: number; redisMsEach: number };
  /** `per1kDeliveries` less the emits' own CPU (`emitOnly`): the fan-out's share. */
  per1kDeliveriesLessEmits: PerThousand;
  errors: Record<string, number>;
};

const emitted = z.object({ event: channelEventSchema });

/**
 * One channel, `subscribers` sockets split over the target's instances, one emitter at a fixed
 * rate for a bounded time. Flare: the sockets `subscribe` to an application channel and the
 * emitter posts to `/api/realtime/emit` on the first instance (its HTTP handling is in the CPU
 * figure). The baseline relay has no channels: its nearest equal is one room with the same
 * receivers and one sender socket at the same rate.
 */
export async function measureChannel(o: ChannelOptions): Promise<ChannelResult> {
  const subscribers = o.subscribers ?? 200;
  const rate = o.perSecond ?? 100;
  const seconds = o.seconds ?? 5;
  if (o.target.name === "baseline" || !o.emitUrl) {
    const room = await o.target.newRoom(0);
    const f = await measureFanout({
      ...room,
      room: room.roomId,
      wsUrls: o.target.wsUrls,
      meter: o.meter,
      receivers: subscribers,
      senders: 1,
      perSenderPerSecond: rate,
      seconds,
      tag: o.tag,
    });
    return {
      subscribers,
      perSecond: rate,
      seconds,
      emitted: f.messagesSent,
      emitFailed: f.messagesSent - f.acked,
      deliveriesExpected: f.deliveriesExpected,
      deliveries: f.deliveries,
      deliveredPerSecond: f.deliveredPerSecond,
      latency: f.latency,
      order: f.order,
      subscribeSeconds: f.joinSeconds,
      cpu: f.cpu,
      per1kDeliveries: f.per1kDeliveries,
      per1kDeliveriesLessEmits: f.per1kDeliveries,
      errors: f.errors,
    };
  }
  return measureFlareChannel(o, o.emitUrl, subscribers, rate, seconds);
}

async function measureFlareChannel(
  o: ChannelOptions,
  emitUrl: string,
  count: number,
  rate: number,
  seconds: number,
): Promise<ChannelResult> {
  const channel = `bench.${o.tag}.${process.pid}`;
  const { wsUrls } = o.target;
  const emitter = new Emitter(emitUrl);
  // The emits alone first: HTTP handling, validation and storage, with no follower to deliver to.
  const quiet = `${channel}.quiet`;
  o.meter.start();
  await paced(rate * seconds, rate, (i) => emitter.emit(quiet, `${o.tag}-q${i}`));
  await emitter.settled();
  const quietCpu = o.meter.stop();
  const quietEmits = emitter.ids.length;
  const emitOnly = {
    emits: quietEmits,
    serverMsEach: round((quietCpu.serverSeconds * 1000) / (quietEmits || NaN), 3),
    redisMsEach: round((quietCpu.redisSeconds * 1000) / (quietEmits || NaN), 3),
  };
  const quietFailed = emitter.failed;
  emitter.reset();

  const subscribeStart = now();
  const subs = await inBatches(count, 25, (i) =>
    ChannelSubscriber.subscribe({ url: wsUrls[i % wsUrls.length]!, channel }),
  );
  const subscribeSeconds = (now() - subscribeStart) / 1000;
  try {
    await sleep(500);
    const prefix = `${o.tag}-e`;
    const sentAt = new Map<string, number>();
    o.meter.start();
    const emitStart = now();
    await paced(rate * seconds, rate, (i) => {
      const text = `${prefix}${i}`;
      sentAt.set(text, now());
      emitter.emit(channel, text);
    });
    await emitter.settled();
    const { ids, failed } = emitter;
    const total = ids.length;
    await until(() => subs.every((s) => s.tagged(prefix).length >= total), 15_000);
    const cpu = o.meter.stop();

    const arrivals = subs.map((s) => s.tagged(prefix));
    const samples = arrivals.flat().map((a) => a.at - (sentAt.get(a.nonce ?? "") ?? NaN));
    const lastArrival = Math.max(...arrivals.flat().map((a) => a.at));
    const errors: Record<string, number> = {};
    for (const s of subs) {
      for (const code of s.errors) errors[code] = (errors[code] ?? 0) + 1;
      if (s.invalid) errors.invalid_frame = (errors.invalid_frame ?? 0) + s.invalid;
    }
    if (failed + quietFailed) errors.emit_failed = failed + quietFailed;
    const lessEmits: CpuUse = {
      ...cpu,
      serverSeconds: cpu.serverSeconds - (emitOnly.serverMsEach * sentAt.size) / 1000,
      redisSeconds: cpu.redisSeconds - (emitOnly.redisMsEach * sentAt.size) / 1000,
    };
    return {
      subscribers: count,
      perSecond: rate,
      seconds,
      emitted: sentAt.size,
      emitFailed: failed,
      deliveriesExpected: total * count,
      deliveries: samples.length,
      deliveredPerSecond: round(samples.length / ((lastArrival - emitStart) / 1000), 0),
      latency: summarize(samples),
      order: checkOrder(
        arrivals.map((list) => list.map((a) => a.id)),
        ids.sort(compareIds),
      ),
      subscribeSeconds: round(subscribeSeconds),
      cpu,
      per1kDeliveries: perThousand(cpu, samples.length),
      emitOnly,
      per1kDeliveriesLessEmits: perThousand(lessEmits, samples.length),
      errors,
    };
  } finally {
    await inBatches(subs.length, 50, (i) => subs[i]!.close());
  }
}

/** Posts `announcement.posted` events without waiting for each answer; counts what was stored. */
class Emitter {
  ids: string[] = [];
  failed = 0;
  private pending: Promise<void>[] = [];

  constructor(private readonly base: string) {}

  emit(channel: string, text: string): void {
    const done = fetch(`${this.base}/api/realtime/emit`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${BENCH_EMIT_TOKEN}` },
      body: JSON.stringify({ channel, event: "announcement.posted", data: { text } }),
    })
      .then(async (res) => {
        const body = emitted.safeParse(await res.json());
        if (res.status === 201 && body.success) this.ids.push(body.data.event.id);
        else this.failed++;
      })
      .catch(() => void this.failed++);
    this.pending.push(done);
  }

  async settled(): Promise<void> {
    await Promise.all(this.pending);
  }

  reset(): void {
    this.ids = [];
    this.failed = 0;
    this.pending = [];
  }
}
