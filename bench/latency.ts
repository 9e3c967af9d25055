import { BenchClient, type Arrival } from "./client";
import { summarize, type Summary } from "./stats";
import { inBatches, paced, sleep, until } from "./time";

export type Endpoint = { label: string; wsUrl: string };

export type LatencyOptions = {
  room: string;
  cookie: string;
  /** Where the senders connect. */
  senderWsUrl: string;
  /** One receiving socket per endpoint. */
  receivers: Endpoint[];
  tag: string;
  messages?: number;
  perSecond?: number;
  senders?: number;
};

export type Delivery = Summary & { missing: number };

export type LatencyResult = {
  messages: number;
  perSecond: number;
  senders: number;
  /** send → ack on the sending socket. */
  ack: Summary;
  /** send → the sender's own copy of the message (the live feed). */
  echo: Delivery;
  /** send → arrival, per receiving endpoint label. */
  delivery: Record<string, Delivery>;
  errors: Record<string, number>;
};

/**
 * Sends `messages` at a steady `perSecond`, round-robin over several sockets (each stays under the
 * 10/s limit), and measures when each one comes back as an ack and as a live message on every
 * receiver.
 */
export async function measureLatency(o: LatencyOptions): Promise<LatencyResult> {
  const n = o.messages ?? 300;
  const perSecond = o.perSecond ?? 50;
  const senderCount = o.senders ?? 6;
  const join = (wsUrl: string, clientId: string) =>
    BenchClient.join({ url: wsUrl, room: o.room, clientId, cookie: o.cookie });
  const receivers = await Promise.all(o.receivers.map((r, i) => join(r.wsUrl, `${o.tag}-recv-${i}`)));
  const senders = await inBatches(senderCount, senderCount, (i) => join(o.senderWsUrl, `${o.tag}-send-${i}`));
  const all = [...receivers, ...senders];
  try {
    await sleep(500); // let the "joined" system messages and presence settle
    const sentAt = new Map<string, number>();
    const nonce = (i: number) => `${o.tag}-${i}`;
    await paced(n, perSecond, (i) => {
      sentAt.set(nonce(i), senders[i % senderCount]!.sendMessage(`bench ${o.tag} #${i}`, nonce(i)));
    });
    const prefix = `${o.tag}-`;
    const complete = (c: BenchClient) => c.tagged(prefix).length >= n;
    await until(() => receivers.every(complete) && senders.every((s) => s.acks.size >= n / senderCount - 1), 5000);

    const latency = (a: Arrival) => a.at - (sentAt.get(a.nonce ?? "") ?? NaN);
    const delivery = (clients: BenchClient[]): Delivery => {
      const samples = clients.flatMap((c) => c.tagged(prefix).map(latency));
      return { ...summarize(samples), missing: clients.length * n - samples.length };
    };
    const ackSamples = senders.flatMap((s) => [...s.acks].map(([k, v]) => v.at - (sentAt.get(k) ?? NaN)));
    // Message i was sent by senders[i % senderCount]: its own copy is the "echo".
    const isOwn = (a: Arrival, i: number) => Number(a.nonce?.slice(prefix.length)) % senderCount === i;
    const echoSamples = senders.flatMap((s, i) =>
      s
        .tagged(prefix)
        .filter((a) => isOwn(a, i))
        .map(latency),
    );
    return {
      messages: n,
      perSecond,
      senders: senderCount,
      ack: summarize(ackSamples),
      echo: { ...summarize(echoSamples), missing: n - echoSamples.length },
      delivery: Object.fromEntries(o.receivers.map((r, i) => [r.label, delivery([receivers[i]!])])),
      errors: countErrors(all),
    };
  } finally {
    await Promise.all(all.map((c) => c.close()));
  }
}

export function countErrors(clients: BenchClient[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of clients) {
    for (const code of c.errors) out[code] = (out[code] ?? 0) + 1;
    if (c.invalid) out.invalid_frame = (out.invalid_frame ?? 0) + c.invalid;
  }
  return out;
}
