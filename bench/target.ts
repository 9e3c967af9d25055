import { randomBytes } from "node:crypto";
import { claimSeat, createRoom, type Cluster } from "./cluster";
import { collectGarbage } from "./gc";
import { sleep } from "./time";

/** A room to join; `cookie` is the seat every socket of the bench's one "browser" sends (Flare only). */
export type BenchRoom = { roomId: string; cookie?: string };

/** Two processes on one Redis that the cost scenarios drive the same way: Flare or the baseline relay. */
export type Target = {
  name: "flare" | "baseline";
  wsUrls: readonly string[];
  pids: readonly number[];
  /** A fresh room, created through instance `i % wsUrls.length`. */
  newRoom(i: number): Promise<BenchRoom>;
  /** A full GC in every process (before an RSS reading). */
  collectGarbage(): Promise<void>;
  /** Another seat of a room, claimed over HTTP through instance `i`; absent where there are no seats. */
  claimSeat?: (roomId: string, i: number) => Promise<string>;
};

async function gcAll(processes: [pid: number, inspectPort: number][]): Promise<void> {
  await Promise.all(processes.map(([pid, port]) => collectGarbage(pid, port)));
}

export function flareTarget(c: Cluster): Target {
  const apps = [c.a, c.b];
  const app = (i: number) => apps[i % apps.length]!;
  return {
    name: "flare",
    wsUrls: apps.map((a) => a.wsUrl),
    pids: apps.map((a) => a.pid),
    newRoom: (i) => createRoom(app(i).url),
    collectGarbage: () => gcAll(apps.map((a, i) => [a.pid, c.inspectPorts[i]!])),
    claimSeat: (roomId, i) => claimSeat(app(i).url, roomId),
  };
}

export function baselineTarget(c: Cluster): Target {
  return {
    name: "baseline",
    wsUrls: c.baseline.map((r) => r.wsUrl),
    pids: c.baseline.map((r) => r.pid),
    newRoom: async () => ({ roomId: randomBytes(8).toString("hex") }),
    collectGarbage: () => gcAll(c.baseline.map((r) => [r.pid, r.inspectPort])),
  };
}

/** Both targets, Flare first: each scenario runs on one, then on the other, close together in time. */
export type Pair<T> = { flare: T; baseline: T };

/**
 * Runs a scenario on Flare, waits out its leave grace ("left" messages, presence) so that none of
 * its Redis work falls into the baseline's window on the shared Redis, then on the baseline.
 */
export async function onBoth<T>(c: Cluster, run: (t: Target) => Promise<T>, settleMs = 3000): Promise<Pair<T>> {
  const flare = await run(flareTarget(c));
  await sleep(settleMs);
  const baseline = await run(baselineTarget(c));
  return { flare, baseline };
}
