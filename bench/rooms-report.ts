import type { IdleWindow, ManyRoomsResult, RoomsWindow } from "./many-rooms";
import { round } from "./stats";

const pad = (s: string | number, w: number) => String(s).padStart(w);
const errs = (e: Record<string, number>) => (Object.keys(e).length ? JSON.stringify(e) : "none");

/** Three significant digits, no exponent notation. */
function num(x: number): string {
  if (!Number.isFinite(x)) return "-";
  if (x === 0 || Math.abs(x) >= 100) return String(Math.round(x));
  return x.toPrecision(3).replace(/\.?0+$/, "");
}

/** CPU seconds per second with nobody sending, over one or more idle windows. */
function idleRate(idle: IdleWindow[], pick: "serverSeconds" | "redisSeconds"): number {
  return idle.reduce((s, i) => s + i.cpu[pick], 0) / idle.reduce((s, i) => s + i.cpu.wallSeconds, 0);
}

/** CPU seconds per 1000 deliveries less what the same wall time costs with nobody sending. */
function lessIdle(w: RoomsWindow, idle: IdleWindow[], pick: "serverSeconds" | "redisSeconds"): number {
  const idlePerSecond = idleRate(idle, pick);
  return w.deliveries > 0 ? ((w.cpu[pick] - idlePerSecond * w.cpu.wallSeconds) / w.deliveries) * 1000 : NaN;
}

const calls = (c: (readonly [string, number])[]) => c.map(([name, n]) => `${name} ${n}`).join(", ") || "none";

type Row = [label: string, small: number, sameLoad: number, wide: number, ratio: boolean];

function rows(r: ManyRoomsResult): Row[] {
  const { small, sameLoad, wide } = r;
  const [idleSmall, idleLarge] = [[r.idleSmall], [r.idleLarge, r.idleLargeAfter]];
  const w = (label: string, pick: (x: RoomsWindow) => number, ratio = true): Row => [
    label,
    pick(small),
    pick(sameLoad),
    pick(wide),
    ratio,
  ];
  const idle = (label: string, pick: (x: RoomsWindow, i: IdleWindow[]) => number): Row => [
    label,
    pick(small, idleSmall),
    pick(sameLoad, idleLarge),
    pick(wide, idleLarge),
    true,
  ];
  return [
    w("server CPU s / 1k deliveries", (x) => x.per1kDeliveries.serverSeconds),
    w("Redis CPU s / 1k deliveries", (x) => x.per1kDeliveries.redisSeconds),
    idle("server CPU s / 1k deliveries, idle CPU less", (x, i) => lessIdle(x, i, "serverSeconds")),
    idle("Redis CPU s / 1k deliveries, idle CPU less", (x, i) => lessIdle(x, i, "redisSeconds")),
    idle("idle: server CPU s / s (nobody sending)", (_, i) => idleRate(i, "serverSeconds")),
    idle("idle: Redis CPU s / s (nobody sending)", (_, i) => idleRate(i, "redisSeconds")),
    w("deliveries measured", (x) => x.deliveries, false),
    w("missed deliveries", (x) => x.deliveriesExpected - x.deliveries, false),
    w("delivery latency p50 ms", (x) => x.latency.p50, false),
    w("delivery latency p99 ms", (x) => x.latency.p99, false),
    w("frames to idle rooms' sockets in the window", (x) => x.idleFrames, false),
  ];
}

/** The many-rooms section: per topology, the small case beside the large one under two loads. */
export function formatManyRooms(results: ManyRoomsResult[]): string {
  return results
    .flatMap((r) => {
      const { small, sameLoad, wide, join } = r;
      const held = `${sameLoad.roomsHeld.join("/")} held`;
      const ratio = (row: Row, x: number) => (row[4] && row[1] > 0 ? `${num(round(x / row[1], 2))}×` : "");
      return [
        "",
        `Many rooms (${r.topology}): one socket per room on each of 2 instances, the sender on one, the receiver on the other`,
        `  small: ${small.roomsHeld[0]} rooms held, ${small.activeRooms} × ${small.perSecond} msg/s; ` +
          `same load: ${held} (A/B), the same ${sameLoad.activeRooms} × ${sameLoad.perSecond} msg/s; ` +
          `wide: ${held}, ${wide.activeRooms} × ${wide.perSecond} msg/s; ${small.seconds} s measured each`,
        `  ${"".padEnd(46)}${pad("small", 9)}${pad("same load", 11)}${pad("÷ small", 9)}${pad("wide", 9)}${pad("÷ small", 9)}`,
        ...rows(r).map(
          (row) =>
            `  ${row[0].padEnd(46)}${pad(num(row[1]), 9)}${pad(num(row[2]), 11)}${pad(ratio(row, row[2]), 9)}` +
            `${pad(num(row[3]), 9)}${pad(ratio(row, row[3]), 9)}`,
        ),
        `  rooms: ${r.roomsTarget} created straight in Redis by lib/rooms/redis-store.ts in ${r.createSeconds} s; ` +
          `RSS of both instances ${r.rssMb.small} MB (small) → ${r.rssMb.large} MB (large)`,
        `  joins: ${join.joined}/${join.sockets} sockets in ${join.seconds} s (${join.skipped} not tried), ` +
          `server CPU ${num(join.per1kSockets.serverSeconds)} s / 1k, Redis CPU ${num(join.per1kSockets.redisSeconds)} s / 1k; ` +
          `failures ${errs(join.failures)}`,
        `  Redis calls / s while idle: small ${calls(r.idleSmall.redisCalls)}; large ${calls(r.idleLarge.redisCalls)}`,
        ...(["small", "sameLoad", "wide"] as const).map(
          (k) =>
            `  Redis calls / message sent, ${k}: ${calls(r[k].redisCallsPerDelivery)}; ` +
            `reader: ${calls(r[k].readerCallsPerDelivery)}`,
        ),
        `  closed by server ${errs(r.closedByServer)}; errors ${errs(r.errors)}`,
      ];
    })
    .join("\n");
}
