import { parseArgs } from "node:util";
import type { RoomsEnv } from "./rooms-env";

export type BenchFlags = {
  /** The latency and cost scenarios beside the baseline (everything but many-rooms). */
  standard: boolean;
  /** Topologies many-rooms runs on, in order (none: it does not run). */
  manyRooms: RoomsEnv["topology"][];
  /** Rooms each instance holds in many-rooms' large case. */
  rooms: number;
};

/**
 * `npm run bench [-- options]`:
 *   --many-rooms          also run many-rooms (after the others, on fresh instances and a fresh Redis)
 *   --many-rooms-only     run only many-rooms
 *   --cluster             many-rooms also on a 3-master Redis Cluster (implies --many-rooms)
 *   --rooms N             rooms held per instance in many-rooms (default 10000, or BENCH_ROOMS)
 */
export function benchFlags(argv: string[]): BenchFlags {
  const { values } = parseArgs({
    args: argv,
    options: {
      "many-rooms": { type: "boolean", default: false },
      "many-rooms-only": { type: "boolean", default: false },
      cluster: { type: "boolean", default: false },
      rooms: { type: "string" },
    },
  });
  const rooms = Number(values.rooms ?? process.env.BENCH_ROOMS ?? 10_000);
  if (!Number.isInteger(rooms) || rooms < 50) throw new Error(`--rooms must be an integer ≥ 50, not ${values.rooms}`);
  const many = values["many-rooms"] || values["many-rooms-only"] || values.cluster;
  return {
    standard: !values["many-rooms-only"],
    manyRooms: many ? ["redis", ...(values.cluster ? (["cluster"] as const) : [])] : [],
    rooms,
  };
}

/**
 * The watchdog's limit: 240 s for the standard scenarios, plus per many-rooms topology 120 s and
 * 20 ms per room held (two joins a room, ~3 ms of server CPU each, on a shared 2-core box).
 */
export function hardLimitMs(f: BenchFlags): number {
  return (f.standard ? 240_000 : 0) + f.manyRooms.length * (120_000 + f.rooms * 20);
}
