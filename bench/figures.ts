import type { ChannelResult } from "./channel";
import type { ChatResult } from "./chat";
import type { ConnectionsResult } from "./connections";
import type { FanoutResult } from "./fanout";
import type { RedisCostResult } from "./redis-cost";
import { round } from "./stats";
import type { Pair } from "./target";

/** One figure of a scenario on both targets; `ratio` = Flare ÷ baseline (null where it means nothing). */
export type Figure = { label: string; flare: number; baseline: number | null; ratio: number | null };
export type Section = { title: string; figures: Figure[] };

export type Compared = {
  chat: Pair<ChatResult>;
  fanout: Pair<FanoutResult>;
  channel: Pair<ChannelResult>;
  connections: Pair<ConnectionsResult>;
  redisCost: Pair<RedisCostResult>;
};

type Pick<T> = (r: T) => number | undefined;

function figure<T>(label: string, pair: Pair<T>, pick: Pick<T>, withRatio = true): Figure {
  const flare = pick(pair.flare) ?? NaN;
  const baseline = pick(pair.baseline);
  const ratio = withRatio && baseline !== undefined && baseline > 0 ? round(flare / baseline, 2) : null;
  return { label, flare, baseline: baseline ?? null, ratio: Number.isFinite(ratio) ? ratio : null };
}

/** The figures a deployment is sized with, Flare beside the baseline relay, one section per scenario. */
export function compare(r: Compared): Section[] {
  const { chat, fanout, channel, connections: conn, redisCost } = r;
  const c = chat.flare;
  const f = fanout.flare;
  const k = conn.flare;
  const ch = channel.flare;
  return [
    {
      title: `Chat: ${c.rooms} rooms × ${c.clientsPerRoom} clients over 2 instances, 1 sender/room at ${c.perSecond} msg/s, ${c.seconds} s measured`,
      figures: [
        figure("server CPU s / 1k deliveries", chat, (x) => x.per1kDeliveries.serverSeconds),
        figure("Redis CPU s / 1k deliveries", chat, (x) => x.per1kDeliveries.redisSeconds),
        figure("delivery latency p50 ms", chat, (x) => x.latency.p50),
        figure("delivery latency p99 ms", chat, (x) => x.latency.p99),
        figure("deliveries measured", chat, (x) => x.deliveries, false),
        figure("missed deliveries", chat, (x) => x.deliveriesExpected - x.deliveries, false),
      ],
    },
    {
      title: `Fan-out: 1 room, ${f.receivers} receivers over 2 instances, ${f.senders} senders × ${f.messagesSent / f.senders} msgs`,
      figures: [
        figure("server CPU s / 1k deliveries", fanout, (x) => x.per1kDeliveries.serverSeconds),
        figure("Redis CPU s / 1k deliveries", fanout, (x) => x.per1kDeliveries.redisSeconds),
        figure("deliveries / s", fanout, (x) => x.deliveredPerSecond),
        figure("delivery latency p50 ms", fanout, (x) => x.latency.p50),
        figure("delivery latency p99 ms", fanout, (x) => x.latency.p99),
        figure("missed deliveries", fanout, (x) => x.deliveriesExpected - x.deliveries, false),
        figure("receivers out of id order", fanout, (x) => x.order.receiversOutOfOrder, false),
      ],
    },
    {
      title:
        `Channel: 1 channel, ${ch.subscribers} subscribers over 2 instances, 1 emitter at ${ch.perSecond} events/s for ${ch.seconds} s ` +
        "(Flare: POST /api/realtime/emit; baseline: the same fan-out as one room and one sender socket)",
      figures: [
        figure("server CPU s / 1k delivered events", channel, (x) => x.per1kDeliveries.serverSeconds),
        figure("Redis CPU s / 1k delivered events", channel, (x) => x.per1kDeliveries.redisSeconds),
        figure(
          "server CPU s / 1k delivered, emits' own CPU less",
          channel,
          (x) => x.per1kDeliveriesLessEmits.serverSeconds,
        ),
        figure("server CPU ms per HTTP emit (no followers)", channel, (x) => x.emitOnly?.serverMsEach, false),
        figure("delivered events / s", channel, (x) => x.deliveredPerSecond),
        figure("delivery latency p50 ms", channel, (x) => x.latency.p50),
        figure("delivery latency p99 ms", channel, (x) => x.latency.p99),
        figure("missed deliveries", channel, (x) => x.deliveriesExpected - x.deliveries, false),
        figure("subscribers out of id order", channel, (x) => x.order.receiversOutOfOrder, false),
      ],
    },
    {
      title: `Connections: ${k.sockets} idle joined sockets over 2 instances (${k.rooms} rooms × ${k.sockets / k.rooms}), one seat each`,
      figures: [
        figure("HTTP seat claim: ms server CPU each", conn, (x) => x.seatClaim?.serverMsEach),
        figure("HTTP seat claim: ms Redis CPU each", conn, (x) => x.seatClaim?.redisMsEach),
        figure("WebSocket accept+join: s server CPU / 1k", conn, (x) => x.acceptJoin.per1kConnections.serverSeconds),
        figure("WebSocket accept+join: s Redis CPU / 1k", conn, (x) => x.acceptJoin.per1kConnections.redisSeconds),
        figure("RSS per idle joined connection, KB", conn, (x) => x.memory.kbPerConnection),
        figure("connect→history p50 ms", conn, (x) => x.joinLatency.p50),
        figure("frames to the others per join", conn, (x) => round(x.framesAfterJoin / (x.joined || 1), 1)),
      ],
    },
    {
      title: `Redis per message (${redisCost.flare.messages} msgs, MONITOR, idle window subtracted)`,
      figures: [
        figure("round trips", redisCost, (x) => x.perMessage.totalRoundTrips),
        figure("commands inside scripts", redisCost, (x) => x.perMessage.luaCommands, false),
      ],
    },
  ];
}
