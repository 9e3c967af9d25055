import type { ChannelResult } from "./channel";
import type { ChatResult } from "./chat";
import type { ConnectionsResult } from "./connections";
import type { FanoutResult } from "./fanout";
import type { Section } from "./figures";
import type { LatencyResult } from "./latency";
import type { ManyRoomsResult } from "./many-rooms";
import type { RedisCostResult } from "./redis-cost";
import { formatManyRooms } from "./rooms-report";
import type { Summary } from "./stats";
import type { Pair } from "./target";

export type BenchMeta = { date: string; node: string; cpus: number; cpuModel: string; totalSeconds: number };

/** What `runAll` measures (absent with `--many-rooms-only`). */
export type StandardResults = {
  latencyRedis: LatencyResult;
  latencyMemory: LatencyResult;
  redisCost: Pair<RedisCostResult>;
  chat: Pair<ChatResult>;
  fanout: Pair<FanoutResult>;
  channel: Pair<ChannelResult>;
  connections: Pair<ConnectionsResult>;
  /** The comparison tables, as printed. */
  figures: Section[];
};

export type BenchResults = { meta: BenchMeta } & Partial<StandardResults> & { manyRooms?: ManyRoomsResult[] };

const pad = (s: string | number, w: number) => String(s).padStart(w);
const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : "-");
const errs = (e: Record<string, number>) => (Object.keys(e).length ? JSON.stringify(e) : "none");

function row(label: string, s: Summary, extra = ""): string {
  return `  ${label.padEnd(38)}${pad(s.n, 6)}${pad(fmt(s.p50), 9)}${pad(fmt(s.p95), 9)}${pad(fmt(s.p99), 9)}${pad(fmt(s.max), 9)}  ${extra}`;
}

function latencyRows(prefix: string, r: LatencyResult): string[] {
  return [
    row(`${prefix} send→ack`, r.ack),
    row(`${prefix} send→own copy (sender)`, r.echo, r.echo.missing ? `missing ${r.echo.missing}` : ""),
    ...Object.entries(r.delivery).map(([label, d]) =>
      row(`${prefix} send→${label}`, d, d.missing ? `missing ${d.missing}` : ""),
    ),
  ];
}

/** Three significant digits, without exponent notation for the small CPU figures. */
function num(x: number | null): string {
  if (x === null || !Number.isFinite(x)) return "-";
  if (x === 0 || Math.abs(x) >= 100) return String(Math.round(x));
  return x.toPrecision(3).replace(/\.?0+$/, "");
}

function table(s: Section): string[] {
  return [
    s.title,
    `  ${"".padEnd(44)}${pad("Flare", 10)}${pad("baseline", 10)}${pad("Flare ÷ baseline", 18)}`,
    ...s.figures.map(
      (f) =>
        `  ${f.label.padEnd(44)}${pad(num(f.flare), 10)}${pad(num(f.baseline), 10)}${pad(f.ratio === null ? "" : `${num(f.ratio)}×`, 18)}`,
    ),
  ];
}

function details(r: StandardResults): string[] {
  const lines: string[] = [];
  for (const [name, f] of Object.entries(r.fanout)) {
    lines.push(
      `  fan-out ${name}: deliveries ${f.deliveries}/${f.deliveriesExpected}, acked ${f.acked}/${f.messagesSent}, ${f.sentPerSecond} msg/s stored; ` +
        `order: ${f.order.receiversComplete} complete & identical, ${f.order.receiversMissing} missing some, ` +
        `${f.order.receiversOutOfOrder} out of order, ${f.order.receiversDivergent} divergent; errors ${errs(f.errors)}`,
    );
  }
  for (const [name, c] of Object.entries(r.channel)) {
    lines.push(
      `  channel ${name}: deliveries ${c.deliveries}/${c.deliveriesExpected}, emitted ${c.emitted} (${c.emitFailed} failed), ` +
        `${c.subscribers} subscribed in ${c.subscribeSeconds} s; order: ${c.order.receiversComplete} complete & identical, ` +
        `${c.order.receiversMissing} missing some, ${c.order.receiversOutOfOrder} out of order; errors ${errs(c.errors)}`,
    );
  }
  for (const [name, c] of Object.entries(r.chat))
    lines.push(`  chat ${name}: ${c.deliveries}/${c.deliveriesExpected} deliveries; errors ${errs(c.errors)}`);
  for (const [name, c] of Object.entries(r.connections)) {
    const m = c.memory;
    lines.push(
      `  connections ${name}: ${c.joined}/${c.sockets} joined, ${c.failed} failed, ${c.joinsPerSecond} joins/s, ` +
        `${c.framesAfterJoin} frames (${c.mbAfterJoin} MB) after own join; closed by server ${errs(c.closedByServer)}; ` +
        `RSS MB before ${m.beforeMb}, open ${m.openMb}, after close ${m.closedMb}`,
    );
  }
  return lines;
}

export function formatReport(
  meta: BenchMeta,
  standard: StandardResults | undefined,
  manyRooms: ManyRoomsResult[] | undefined,
): string {
  return [
    `Flare bench — ${meta.date}, node ${meta.node}, ${meta.cpus} CPUs (${meta.cpuModel}), ${meta.totalSeconds} s`,
    ...(standard ? ["", formatStandard(standard)] : []),
    ...(manyRooms ? [formatManyRooms(manyRooms)] : []),
  ].join("\n");
}

function formatStandard(r: StandardResults): string {
  const rc = r.redisCost.flare.perMessage;
  return [
    `Latency (ms), Flare, ${r.latencyRedis.messages} msgs at ${r.latencyRedis.perSecond}/s over ${r.latencyRedis.senders} sender sockets`,
    `  ${"".padEnd(38)}${pad("n", 6)}${pad("p50", 9)}${pad("p95", 9)}${pad("p99", 9)}${pad("max", 9)}`,
    ...latencyRows("redis:", r.latencyRedis),
    ...latencyRows("memory:", r.latencyMemory),
    `  errors: redis ${errs(r.latencyRedis.errors)}, memory ${errs(r.latencyMemory.errors)}`,
    "",
    "Cost, Flare beside the baseline relay (bench/baseline/relay.ts) on the same Redis and clients",
    ...r.figures.flatMap((s) => ["", ...table(s)]),
    "",
    "Details",
    ...details(r),
    row("Flare fan-out delivery latency", r.fanout.flare.latency),
    row("Flare channel delivery latency", r.channel.flare.latency),
    `  Flare Redis round trips per message: store path ${rc.storeRoundTrips}, reader reads ${rc.readerRoundTrips}`,
    ...Object.entries(rc.byCommand).map(([k, v]) => `    ${v.toFixed(3).padStart(7)}  ${k}`),
  ].join("\n");
}
