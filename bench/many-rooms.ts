import { BenchClient } from "./client";
import { createRoomsDirect } from "./direct-rooms";
import { driveRooms, type DriveResult } from "./drive";
import { IdleHolder } from "./idle-sockets";
import { countErrors } from "./latency";
import { callRates, callsOf, commandCalls, READER_COMMANDS } from "./redis-calls";
import { CpuMeter, perThousand, totalRssKb, type CpuUse, type PerThousand } from "./proc";
import type { RoomsEnv } from "./rooms-env";
import { round } from "./stats";
import type { BenchRoom } from "./target";
import { inBatches, now, sleep, step } from "./time";

export type ManyRoomsOptions = {
  env: RoomsEnv;
  /** Rooms each instance holds in the large case (one socket per room on each instance). */
  rooms: number;
  /** Rooms held (and all sending) in the small case. */
  small?: number;
  smallPerSecond?: number;
  /** Rooms sending in the large case's wide window, at `activePerSecond` each. */
  active?: number;
  activePerSecond?: number;
  warmupSeconds?: number;
  seconds?: number;
  /** An idle window: at least one liveness beat (PRESENCE_TTL_MS / 3 = 10 s by default). */
  idleSeconds?: number;
  /** Joins in flight per holder process. */
  joinWidth?: number;
  /** No join starts after this: the measured windows run with the rooms that did join. */
  joinDeadlineMs?: number;
};

export type RoomsWindow = DriveResult & {
  /** Rooms each instance held (A, B). */
  roomsHeld: [number, number];
  activeRooms: number;
  perSecond: number;
  seconds: number;
  /** Frames the idle rooms' sockets received during the window (nobody sends there). */
  idleFrames: number;
  /** What Redis ran from the warmup to the end: [command, calls per message sent], busiest first. */
  redisCallsPerDelivery: (readonly [string, number])[];
  /** The reader's commands (READER_COMMANDS) per message sent, zeros included. */
  readerCallsPerDelivery: (readonly [string, number])[];
};

export type IdleWindow = {
  roomsHeld: [number, number];
  cpu: CpuUse;
  idleFrames: number;
  /** What Redis ran meanwhile: [command, calls per second], busiest first. */
  redisCalls: (readonly [string, number])[];
};

export type ManyRoomsResult = {
  topology: RoomsEnv["topology"];
  roomsTarget: number;
  createSeconds: number;
  /** Every socket of the large case after the small one: accept + join until the broadcasts went quiet. */
  join: {
    sockets: number;
    joined: number;
    failures: Record<string, number>;
    skipped: number;
    seconds: number;
    cpu: CpuUse;
    per1kSockets: PerThousand;
  };
  /** RSS of both instances, MB (no GC first). */
  rssMb: { small: number; large: number };
  idleSmall: IdleWindow;
  /** Before the large case's loaded windows and after them (the background work varies). */
  idleLarge: IdleWindow;
  idleLargeAfter: IdleWindow;
  /** `small` rooms held, all sending. */
  small: RoomsWindow;
  /** `rooms` held; the same rooms send at the same rate as in `small`. */
  sameLoad: RoomsWindow;
  /** `rooms` held; `active` rooms send at `activePerSecond`. */
  wide: RoomsWindow;
  closedByServer: Record<string, number>;
  errors: Record<string, number>;
};

const mb = (kb: number) => round(kb / 1024, 1);

/**
 * Many rooms, one socket per room on each of two instances (every delivery crosses instances), the
 * sender of room r on A for even r, on B for odd r. Measures the CPU per delivery with `small`
 * rooms held, then again once each instance holds `rooms` rooms, under the same load and under a
 * wider one: with a reader that costs nothing per idle room the figures should stay close.
 */
export async function measureManyRooms(o: ManyRoomsOptions): Promise<ManyRoomsResult> {
  const small = Math.min(o.small ?? 50, o.rooms);
  const active = Math.min(Math.max(o.active ?? 250, small), o.rooms);
  const [smallRate, activeRate] = [o.smallPerSecond ?? 5, o.activePerSecond ?? 1];
  const window = { warmupSeconds: o.warmupSeconds ?? 3, seconds: o.seconds ?? 10 };
  const idleMs = (o.idleSeconds ?? 10) * 1000;
  const { env } = o;
  const pids = [env.a.pid, env.b.pid];
  const meter = new CpuMeter(pids, env.redisPids);
  const holders = [IdleHolder.start(), IdleHolder.start()] as const;
  const clients: BenchClient[][] = [];
  try {
    let t0 = now();
    const rooms = await createRoomsDirect(env.redisUrl, o.rooms);
    const createSeconds = round((now() - t0) / 1000, 1);
    const joinPair = (room: BenchRoom, r: number) => {
      const [sender, receiver] = r % 2 === 0 ? [env.a, env.b] : [env.b, env.a];
      const spec = (url: string, side: string) => ({
        url,
        room: room.roomId,
        clientId: `rooms-${r}-${side}`,
        cookie: room.cookie,
      });
      return Promise.all([BenchClient.join(spec(sender.wsUrl, "s")), BenchClient.join(spec(receiver.wsUrl, "r"))]);
    };
    clients.push(...(await inBatches(small, 10, (r) => joinPair(rooms[r]!, r))));
    let held: [number, number] = [small, small];
    const idleFrames = async () =>
      (await Promise.all(holders.map((h) => h.counts()))).reduce((s, c) => s + c.frames, 0);
    const idleWindow = async (): Promise<IdleWindow> => {
      const [before, callsBefore] = [await idleFrames(), await commandCalls(env.redisNodeUrls)];
      meter.start();
      await sleep(idleMs);
      const cpu = meter.stop();
      const redisCalls = callRates(callsBefore, await commandCalls(env.redisNodeUrls), cpu.wallSeconds);
      return { roomsHeld: held, cpu, idleFrames: (await idleFrames()) - before, redisCalls };
    };
    const drive = async (count: number, perSecond: number, tag: string): Promise<RoomsWindow> => {
      const [before, callsBefore] = [await idleFrames(), await commandCalls(env.redisNodeUrls)];
      const driven = await driveRooms({ rooms: clients.slice(0, count), meter, tag, perSecond, ...window });
      // Every message sent in the window, warmup included, has one delivery (one receiver a room).
      const sent = count * perSecond * (window.warmupSeconds + window.seconds);
      const callsAfter = await commandCalls(env.redisNodeUrls);
      const redisCallsPerDelivery = callRates(callsBefore, callsAfter, sent, 2);
      const readerCallsPerDelivery = callsOf(callsBefore, callsAfter, READER_COMMANDS, sent, 3);
      return {
        ...driven,
        roomsHeld: held,
        activeRooms: count,
        perSecond,
        seconds: window.seconds,
        idleFrames: (await idleFrames()) - before,
        redisCallsPerDelivery,
        readerCallsPerDelivery,
      };
    };

    await sleep(1000); // the joins' "joined" messages and presence settle
    step(`many-rooms (${env.topology}): idle, then ${small} rooms × ${smallRate} msg/s, ${small} rooms held`);
    const rssSmall = totalRssKb(pids);
    const idleSmall = await idleWindow();
    const smallResult = await drive(small, smallRate, "small");

    step(`many-rooms (${env.topology}): joining ${2 * o.rooms - 2 * small} more sockets`);
    t0 = now();
    meter.start();
    clients.push(...(await inBatches(active - small, 10, (k) => joinPair(rooms[small + k]!, small + k))));
    const idle = rooms.slice(active);
    const deadline = o.joinDeadlineMs ?? 150_000;
    const width = o.joinWidth ?? 25;
    const specs = (h: number) =>
      idle.map((room, k) => ({
        url: (h === 0 ? env.a : env.b).wsUrl,
        room: room.roomId,
        clientId: `rooms-${active + k}-${h === 0 ? "a" : "b"}`,
        cookie: room.cookie,
      }));
    const joins = await Promise.all([0, 1].map((i) => holders[i]!.join(specs(i), width, deadline - (now() - t0))));
    const [joinA, joinB] = [joins[0]!, joins[1]!];
    const joinSeconds = round((now() - t0) / 1000, 1);
    await quiet(idleFrames, 1000, 15_000); // the tail of "joined" messages and presence
    const joinCpu = meter.stop();
    held = [active + joinA.joined, active + joinB.joined];
    const joined = 2 * (active - small) + joinA.joined + joinB.joined;
    const failures: Record<string, number> = {};
    for (const j of joins) for (const [k, v] of Object.entries(j.failures)) failures[k] = (failures[k] ?? 0) + v;

    step(
      `many-rooms (${env.topology}): idle, then the same load, then ${active} rooms × ${activeRate} msg/s, ${held.join("/")} rooms held`,
    );
    const rssLarge = totalRssKb(pids);
    const idleLarge = await idleWindow();
    const sameLoad = await drive(small, smallRate, "same");
    const wide = await drive(active, activeRate, "wide");
    const idleLargeAfter = await idleWindow();
    const counts = await Promise.all(holders.map((h) => h.counts()));
    const closedByServer: Record<string, number> = {};
    for (const c of [...counts.map((x) => x.closedByServer), ...clients.flat().map(closeCodes)])
      for (const [k, v] of Object.entries(c)) closedByServer[k] = (closedByServer[k] ?? 0) + v;
    return {
      topology: env.topology,
      roomsTarget: o.rooms,
      createSeconds,
      join: {
        sockets: 2 * (o.rooms - small),
        joined,
        failures,
        skipped: joinA.skipped + joinB.skipped,
        seconds: joinSeconds,
        cpu: joinCpu,
        per1kSockets: perThousand(joinCpu, joined),
      },
      rssMb: { small: mb(rssSmall), large: mb(rssLarge) },
      idleSmall,
      idleLarge,
      idleLargeAfter,
      small: smallResult,
      sameLoad,
      wide,
      closedByServer,
      errors: countErrors(clients.flat()),
    };
  } finally {
    // Killing the holders drops their sockets at once; the caller then stops the instances.
    holders.forEach((h) => h.kill());
    await inBatches(clients.length, 50, (i) => Promise.all(clients[i]!.map((c) => c.close())));
  }
}

const closeCodes = (c: BenchClient): Record<string, number> => (c.closeCode === undefined ? {} : { [c.closeCode]: 1 });

/** Resolves once `frames()` did not change for `quietMs` (at most `maxMs`). */
async function quiet(frames: () => Promise<number>, quietMs: number, maxMs: number): Promise<void> {
  const deadline = now() + maxMs;
  let last = await frames();
  let since = now();
  while (now() - since < quietMs && now() < deadline) {
    await sleep(250);
    const n = await frames();
    if (n !== last) [last, since] = [n, now()];
  }
}
