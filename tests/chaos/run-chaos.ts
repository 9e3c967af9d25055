import Redis from "ioredis";
import { z } from "zod";
import { messageSchema, type Message } from "../../lib/protocol";
import { startApp, type AppInstance } from "../helpers/app-server";
import { Browser } from "../helpers/http";
import { startRedis } from "../helpers/redis-server";
import { createRoom, seatedBrowser } from "../helpers/rooms";
import { eventually, sleep } from "../helpers/wait";
import { ChaosClient } from "./chaos-client";
import { FAULTS, inject, type FaultName, type FaultTarget } from "./faults";
import { formatReport, reconcile } from "./ledger";

export type ChaosOptions = {
  /** How long faults are injected while the clients chat. */
  seconds: number;
  instances?: number;
  /** Private rooms, besides the lobby. */
  privateRooms?: number;
  sendersPerRoom?: number;
  readersPerRoom?: number;
  /** Messages per second per sender. */
  rate?: number;
  /** Pause between two faults, ms (a random value up to this). */
  faultEveryMs?: number;
  seed?: number;
  log?: (line: string) => void;
};

/**
 * The chaos run: 3 instances and a Redis, senders and readers in several rooms spread over every
 * instance, and random faults for `seconds` (kill -9 an instance and restart it, cut client
 * sockets, kill the readers' Redis connections, block Redis for a second). Then the faults stop,
 * every client catches up and every unacked message is resent until acked, and the ledger checks
 * every client against each room's stored log.
 */
export async function runChaos(opts: ChaosOptions) {
  const log = opts.log ?? (() => {});
  const random = mulberry32(opts.seed ?? Date.now());
  const redis = await startRedis({ args: ["--enable-debug-command", "local"] });
  if (!redis) throw new Error("the chaos run needs redis-server");
  const env = { REDIS_URL: redis.url, PRESENCE_TTL_MS: "5000" };
  const instances: AppInstance[] = await Promise.all(
    Array.from({ length: opts.instances ?? 3 }, () => startApp({ env })),
  );
  const admin = new Redis(redis.url, { lazyConnect: false, maxRetriesPerRequest: null });
  const clients: ChaosClient[] = [];
  const faults: Record<string, number> = {};
  try {
    type ChaosRoom = { id: string; creatorCookie?: string; cookies: () => Promise<string | undefined> };
    const rooms: ChaosRoom[] = [{ id: "lobby", cookies: () => Promise.resolve(undefined) }];
    for (let r = 0; r < (opts.privateRooms ?? 3); r++) {
      const creator = new Browser(instances[r % instances.length]!.url);
      const { roomId } = await createRoom(creator, { ttlSeconds: 3600, capacity: 10 });
      rooms.push({
        id: roomId,
        creatorCookie: creator.cookieHeader(),
        cookies: async () => (await seatedBrowser(instances[0]!.url, roomId)).cookieHeader(),
      });
    }
    const urls = () => instances.map((i) => i.wsUrl);
    const perRoom = (opts.sendersPerRoom ?? 2) + (opts.readersPerRoom ?? 2);
    for (const [r, room] of rooms.entries()) {
      for (let k = 0; k < perRoom; k++) {
        const sender = k < (opts.sendersPerRoom ?? 2);
        const cookie = await room.cookies();
        clients.push(
          new ChaosClient({
            room: room.id,
            clientId: `${sender ? "s" : "r"}${r}-${k}-${Math.floor(random() * 1e6)}`,
            ...(cookie ? { cookie } : {}),
            urls,
            home: r + k,
            rate: sender ? (opts.rate ?? 2) : 0,
          }),
        );
      }
    }
    for (const c of clients) c.start();
    await eventually(() => clients.every((c) => c.connected), 15_000, "every client joined");
    // Joins announce themselves: let those system messages arrive before the measured part starts.
    await sleep(500);
    for (const c of clients) c.startSending();
    log(`chaos: ${clients.length} clients in ${rooms.length} rooms on ${instances.length} instances`);

    const target: FaultTarget = { instances, env, clients, admin };
    const end = Date.now() + opts.seconds * 1000;
    // Every kind of fault comes round once per cycle, in a random order.
    const bag: FaultName[] = [];
    while (Date.now() < end) {
      await sleep(500 + random() * (opts.faultEveryMs ?? 3000));
      if (Date.now() >= end) break;
      if (bag.length === 0) bag.push(...[...FAULTS].sort(() => random() - 0.5));
      const fault = bag.pop()!;
      faults[fault] = (faults[fault] ?? 0) + 1;
      log(`chaos: ${fault}`);
      await inject(fault, target, random);
    }

    for (const c of clients) c.stopSending();
    log("chaos: faults stopped; settling");
    await eventually(
      () => {
        for (const c of clients) c.flush();
        return clients.every((c) => c.connected && c.unacked === 0);
      },
      30_000,
      "every message acked",
    ).catch(() => {});
    const logs = new Map<string, Message[]>();
    for (const room of rooms) logs.set(room.id, await roomLog(instances[0]!.url, room.id, room.creatorCookie));
    await eventually(
      () =>
        clients.every((c) => {
          const newest = logs.get(c.record.room)!.at(-1)?.id;
          return newest === undefined || c.newestId === newest;
        }),
      20_000,
      "every client caught up",
    ).catch(() => {});
    const unacked = clients.reduce((n, c) => n + c.unacked, 0);
    const report = reconcile(
      clients.map((c) => c.record),
      logs,
      unacked,
      faults,
    );
    log(formatReport(report));
    return report;
  } finally {
    for (const c of clients) c.stop();
    admin.disconnect();
    await Promise.all(instances.map((i) => i.kill()));
    await redis.stop();
  }
}

/** A room's whole stored log (under 1000 messages in a chaos run), oldest first. */
async function roomLog(base: string, room: string, cookie: string | undefined): Promise<Message[]> {
  const res = await fetch(`${base}/api/rooms/${room}/messages?limit=1000`, {
    headers: cookie ? { cookie } : {},
  });
  if (res.status !== 200) throw new Error(`GET messages of ${room} -> ${res.status}`);
  const parsed = z.object({ messages: messageSchema.array() }).safeParse(await res.json());
  if (!parsed.success) throw new Error(`GET messages of ${room}: unexpected body`);
  return parsed.data.messages;
}

/** A small seeded PRNG, so a failing run can be repeated with its seed. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
