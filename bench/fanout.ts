import { compareIds } from "../lib/protocol";
import { BenchClient } from "./client";
import { countErrors } from "./latency";
import { perThousand, type CpuMeter, type CpuUse, type PerThousand } from "./proc";
import { round, summarize, type Summary } from "./stats";
import { inBatches, now, paced, sleep, until } from "./time";

export type FanoutOptions = {
  room: string;
  cookie?: string;
  /** Reads server and Redis CPU from the first send until the last receiver has every message. */
  meter: CpuMeter;
  /** Receivers and senders are spread evenly over these instances. */
  wsUrls: readonly string[];
  receivers?: number;
  senders?: number;
  perSenderPerSecond?: number;
  seconds?: number;
  tag: string;
};

export type FanoutResult = {
  receivers: number;
  senders: number;
  messagesSent: number;
  acked: number;
  deliveriesExpected: number;
  deliveries: number;
  /** Deliveries per second, from the first send to the last arrival. */
  deliveredPerSecond: number;
  /** Messages stored per second over the send window. */
  sentPerSecond: number;
  latency: Summary;
  order: {
    receiversComplete: number;
    receiversMissing: number;
    receiversOutOfOrder: number;
    receiversDivergent: number;
  };
  joinSeconds: number;
  cpu: CpuUse;
  /** Per 1000 deliveries to the receivers (the senders' own copies are not counted). */
  per1kDeliveries: PerThousand;
  errors: Record<string, number>;
};

/**
 * Many receivers in one room across instances, several senders at their rate limit: how many
 * deliveries per second, how late, and whether every receiver saw the same messages in the same
 * id order (mismatches are reported, never thrown).
 */
export async function measureFanout(o: FanoutOptions): Promise<FanoutResult> {
  const receiverCount = o.receivers ?? 200;
  const senderCount = o.senders ?? 10;
  const rate = o.perSenderPerSecond ?? 10;
  const seconds = o.seconds ?? 5;
  const perSender = rate * seconds;
  const urlFor = (i: number) => o.wsUrls[i % o.wsUrls.length]!;
  const join = (url: string, clientId: string) => BenchClient.join({ url, room: o.room, clientId, cookie: o.cookie });

  const joinStart = now();
  const receivers = await inBatches(receiverCount, 25, (i) => join(urlFor(i), `${o.tag}-r${i}`));
  const senders = await inBatches(senderCount, senderCount, (i) => join(urlFor(i), `${o.tag}-s${i}`));
  const joinSeconds = (now() - joinStart) / 1000;
  const all = [...receivers, ...senders];
  try {
    await sleep(1500); // "joined" system messages and presence storms of the joins settle
    const sentAt = new Map<string, number>();
    const prefix = `${o.tag}-m`;
    o.meter.start();
    const sendStart = now();
    await Promise.all(
      senders.map((s, k) =>
        paced(perSender, rate, (i) => {
          const nonce = `${prefix}${k}-${i}`;
          sentAt.set(nonce, s.sendMessage(`fan-out ${k}/${i}`, nonce));
        }),
      ),
    );
    const sendSeconds = (now() - sendStart) / 1000;
    const total = sentAt.size;
    await until(() => receivers.every((r) => r.tagged(prefix).length >= total), 15_000);
    const cpu = o.meter.stop();

    const acked = senders.flatMap((s) => [...s.acks.values()].map((a) => a.id)).sort(compareIds);
    const arrivals = receivers.map((r) => r.tagged(prefix));
    const samples = arrivals.flat().map((a) => a.at - (sentAt.get(a.nonce ?? "") ?? NaN));
    const lastArrival = Math.max(...arrivals.flat().map((a) => a.at));
    return {
      receivers: receiverCount,
      senders: senderCount,
      messagesSent: total,
      acked: acked.length,
      deliveriesExpected: total * receiverCount,
      deliveries: samples.length,
      deliveredPerSecond: round(samples.length / ((lastArrival - sendStart) / 1000), 0),
      sentPerSecond: round(total / sendSeconds, 1),
      latency: summarize(samples),
      order: checkOrder(
        arrivals.map((list) => list.map((a) => a.id)),
        acked,
      ),
      joinSeconds: round(joinSeconds),
      cpu,
      per1kDeliveries: perThousand(cpu, samples.length),
      errors: countErrors(all),
    };
  } finally {
    await inBatches(all.length, 50, (i) => all[i]!.close());
  }
}

/** Each receiver's id sequence against the acked ids in id order. */
export function checkOrder(sequences: string[][], expected: string[]): FanoutResult["order"] {
  const want = expected.join(",");
  let complete = 0;
  let missing = 0;
  let outOfOrder = 0;
  let divergent = 0;
  for (const ids of sequences) {
    const increasing = ids.every((id, i) => i === 0 || compareIds(ids[i - 1]!, id) < 0);
    if (!increasing) outOfOrder++;
    if (ids.length < expected.length) missing++;
    if (ids.join(",") === want) complete++;
    else divergent++;
  }
  return {
    receiversComplete: complete,
    receiversMissing: missing,
    receiversOutOfOrder: outOfOrder,
    receiversDivergent: divergent,
  };
}
