import type { CpuMeter, CpuUse } from "./proc";
import { round } from "./stats";
import type { BenchRoom, Target } from "./target";
import { inBatches } from "./time";

export type SeatClaimResult = {
  claims: number;
  failed: number;
  cpu: CpuUse;
  /** Server CPU per claim, ms. */
  serverMsEach: number;
  redisMsEach: number;
};

/** Seat cookies for every socket of each room: the creator's, then `perRoom - 1` claimed over HTTP. */
export type Seats = { cookies: (string | undefined)[][]; claim: SeatClaimResult | undefined };

/**
 * Claims before the window, on rooms of their own, so that the figure is a claim's steady cost.
 * With only the first room's 49 (~25 per instance) the window ran the route's code before V8 had
 * optimised it and read ~2 ms per claim; this scenario read ~1.5 ms after 1000 claims, ~0.85
 * after 4000 and ~0.55 after 8000 (about where bench/claims.ts levels off on one instance).
 */
const WARM_UP_CLAIMS = 8000;

/**
 * Claims the seats the idle sockets will use (`POST /api/rooms/:id/join` without a cookie, round
 * robin over the instances, 10 at a time) and reads the CPU that took, on its own, so that the
 * HTTP seat claim and the WebSocket accept + join are two separate figures (after WARM_UP_CLAIMS
 * on rooms of their own). A target without seats (the baseline) claims nothing.
 */
export async function claimSeats(target: Target, meter: CpuMeter, rooms: BenchRoom[], perRoom: number): Promise<Seats> {
  const claimSeat = target.claimSeat;
  if (!claimSeat) return { cookies: rooms.map(() => Array<undefined>(perRoom).fill(undefined)), claim: undefined };
  const extra = perRoom - 1;
  const claimer = (list: BenchRoom[]) => (i: number) =>
    claimSeat(list[Math.floor(i / extra)]!.roomId, i).catch(() => undefined);
  const warmRooms = await inBatches(Math.ceil(WARM_UP_CLAIMS / extra), 5, (k) => target.newRoom(k));
  await inBatches(warmRooms.length * extra, 10, claimer(warmRooms));
  meter.start();
  const claimed = await inBatches(rooms.length * extra, 10, claimer(rooms));
  const cpu = meter.stop();
  const failed = claimed.filter((c) => c === undefined).length;
  const claims = claimed.length - failed;
  const each = (s: number) => (claims > 0 ? round((s / claims) * 1000, 3) : NaN);
  return {
    cookies: rooms.map((room, k) => [room.cookie, ...claimed.slice(k * extra, (k + 1) * extra)]),
    claim: { claims, failed, cpu, serverMsEach: each(cpu.serverSeconds), redisMsEach: each(cpu.redisSeconds) },
  };
}
