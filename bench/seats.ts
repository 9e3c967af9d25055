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
 * Claims the seats the idle sockets will use (`POST /api/rooms/:id/join` without a cookie, round
 * robin over the instances, 10 at a time) and reads the CPU that took, on its own, so that the
 * HTTP seat claim and the WebSocket accept + join are two separate figures (the first room's claims
 * are left out as a warm-up). A target without seats (the baseline) claims nothing.
 */
export async function claimSeats(target: Target, meter: CpuMeter, rooms: BenchRoom[], perRoom: number): Promise<Seats> {
  const claimSeat = target.claimSeat;
  if (!claimSeat) return { cookies: rooms.map(() => Array<undefined>(perRoom).fill(undefined)), claim: undefined };
  const extra = perRoom - 1;
  const claim = (i: number) => claimSeat(rooms[Math.floor(i / extra)]!.roomId, i).catch(() => undefined);
  // The first room's seats are claimed before the window: the route's first load is not a claim's cost.
  const warm = await inBatches(extra, 10, claim);
  meter.start();
  const measured = await inBatches((rooms.length - 1) * extra, 10, (i) => claim(extra + i));
  const cpu = meter.stop();
  const claimed = [...warm, ...measured];
  const failed = measured.filter((c) => c === undefined).length;
  const claims = measured.length - failed;
  const each = (s: number) => (claims > 0 ? round((s / claims) * 1000, 3) : NaN);
  return {
    cookies: rooms.map((room, k) => [room.cookie, ...claimed.slice(k * extra, (k + 1) * extra)]),
    claim: { claims, failed, cpu, serverMsEach: each(cpu.serverSeconds), redisMsEach: each(cpu.redisSeconds) },
  };
}
