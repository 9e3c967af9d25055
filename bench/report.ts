import type { ConnectionsResult } from "./connections";
import type { FanoutResult } from "./fanout";
import type { LatencyResult } from "./latency";
import type { RedisCostResult } from "./redis-cost";
import type { Summary } from "./stats";

export type BenchResults = {
  meta: { date: string; node: string; cpus: number; cpuModel: string; totalSeconds: number };
  latencyRedis: LatencyResult;
  latencyMemory: LatencyResult;
  redisCost: RedisCostResult;
  fanout: FanoutResult;
  connections: ConnectionsResult;
};

const pad = (s: string | number, w: number) => String(s).padStart(w);
const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : "-");

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

export function formatReport(r: BenchResults): string {
  const f = r.fanout;
  const c = r.connections;
  const rc = r.redisCost.perMessage;
  const errs = (e: Record<string, number>) => (Object.keys(e).length ? JSON.stringify(e) : "none");
  return [
    `Flare bench — ${r.meta.date}, node ${r.meta.node}, ${r.meta.cpus} CPUs (${r.meta.cpuModel}), ${r.meta.totalSeconds} s`,
    "",
    `Latency (ms), ${r.latencyRedis.messages} msgs at ${r.latencyRedis.perSecond}/s over ${r.latencyRedis.senders} sender sockets`,
    `  ${"".padEnd(38)}${pad("n", 6)}${pad("p50", 9)}${pad("p95", 9)}${pad("p99", 9)}${pad("max", 9)}`,
    ...latencyRows("redis:", r.latencyRedis),
    ...latencyRows("memory:", r.latencyMemory),
    `  errors: redis ${errs(r.latencyRedis.errors)}, memory ${errs(r.latencyMemory.errors)}`,
    "",
    `Fan-out: ${f.receivers} receivers over 2 instances, ${f.senders} senders × ${f.messagesSent / f.senders} msgs (${f.sentPerSecond} msg/s stored)`,
    `  deliveries ${f.deliveries}/${f.deliveriesExpected}, ${f.deliveredPerSecond} deliveries/s, acked ${f.acked}/${f.messagesSent}`,
    row("delivery latency", f.latency),
    `  order: ${f.order.receiversComplete} receivers complete & identical, ${f.order.receiversMissing} missing some, ` +
      `${f.order.receiversOutOfOrder} out of order, ${f.order.receiversDivergent} divergent; joins took ${f.joinSeconds} s; errors ${errs(f.errors)}`,
    "",
    `Connections: ${c.joined}/${c.sockets} joined (batches of ${c.batch}), ${c.failed} failed, ${c.joinsPerSecond} joins/s`,
    row("connect→history", c.joinLatency),
    `  received after own join: ${c.framesAfterJoin} frames, ${c.mbAfterJoin} MB; closed by server: ${errs(c.closedByServer)}`,
    `  RSS MB: before ${c.memory.before.rssMb}, ${c.sockets} open ${c.memory.open.rssMb}, after close ${c.memory.closed.rssMb} (peak ${c.memory.closed.peakMb})`,
    "",
    `Redis per message (${r.redisCost.messages} msgs, MONITOR, idle window subtracted)`,
    `  store path round trips ${rc.storeRoundTrips}, reader XREAD round trips ${rc.readerRoundTrips}, total ${rc.totalRoundTrips}; commands inside scripts ${rc.luaCommands}`,
    ...Object.entries(rc.byCommand).map(([k, v]) => `    ${v.toFixed(3).padStart(7)}  ${k}`),
  ].join("\n");
}
