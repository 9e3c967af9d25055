/**
 * The cost of one HTTP seat claim on its own (issue #9: ≤ 1 ms of server CPU), bounded and
 * repeatable: a fresh Redis and one fresh production instance, rooms created over HTTP, a warm-up,
 * then `--claims` claims 10 at a time spread over the rooms; server and Redis CPU (utime + stime
 * from /proc) per claim. Prints one JSON line.
 *
 *   npx tsx bench/claims.ts [--memory] [--held] [--limited] [--claims 2000] [--warm 4000]
 *                           [--bundle .next/flare-server.mjs] [--node-args="--cpu-prof --cpu-prof-dir=…"]
 *
 * --memory   no REDIS_URL (everything in memory)
 * --held     every claim presents the room's creator cookie (the idempotent repeat of a held seat)
 * --limited  loopback is not exempt from the per-address limits (the seat-claim budget is raised so
 *            that nothing is refused): the limiter's own cost, a Redis round trip per claim
 * --bundle   the server bundle to run (to compare two builds of server.ts on one .next)
 */
import { readFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { parseArgs } from "node:util";
import { createRoom } from "./cluster";
import { cpuSeconds, redisServerPid } from "./proc";
import { round } from "./stats";
import { inBatches, now } from "./time";
import { startApp } from "../tests/helpers/app-server";
import { startRedis } from "../tests/helpers/redis-server";

const { values: o } = parseArgs({
  options: {
    memory: { type: "boolean", default: false },
    held: { type: "boolean", default: false },
    limited: { type: "boolean", default: false },
    claims: { type: "string", default: "2000" },
    warm: { type: "string", default: "4000" },
    bundle: { type: "string" },
    "node-args": { type: "string" },
  },
});

/** A room holds at most 50 seats: the creator's and 49 claimed. */
const CLAIMS_PER_ROOM = 49;
const WIDTH = 10;

/** What a browser's `fetch("/api/rooms/:id/join", {method:"POST"})` sends, give or take. */
function browserHeaders(host: string, cookie: string | undefined): Record<string, string> {
  return {
    host,
    "content-type": "application/json",
    "content-length": "0",
    accept: "*/*",
    "accept-language": "en-GB,en;q=0.9",
    "accept-encoding": "gzip, deflate, br, zstd",
    origin: `http://${host}`,
    referer: `http://${host}/room/x`,
    "sec-fetch-site": "same-origin",
    "sec-fetch-mode": "cors",
    "sec-fetch-dest": "empty",
    "user-agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
    ...(cookie ? { cookie } : {}),
  };
}

function claim(agent: Agent, port: number, roomId: string, cookie: string | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(
      {
        agent,
        host: "127.0.0.1",
        port,
        method: "POST",
        path: `/api/rooms/${roomId}/join`,
        headers: browserHeaders(`127.0.0.1:${port}`, cookie),
      },
      (res) => {
        res.resume();
        res.once("end", () => resolve(res.statusCode === 200 && (res.headers["set-cookie"]?.length ?? 0) > 0));
      },
    );
    req.once("error", () => resolve(false));
    req.end();
  });
}

/** stime of a process in seconds (cpuSeconds is utime + stime), assuming 100 ticks a second. */
function systemSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[12]) / 100;
}

async function main(): Promise<void> {
  const claims = Number(o.claims);
  const warm = Number(o.warm);
  const redis = o.memory ? undefined : await startRedis();
  if (!o.memory && !redis) throw new Error("redis-server not found on PATH");
  const limits = o.limited
    ? { RATE_LIMIT_EXEMPT: "", LIMIT_SEAT_CLAIMS_PER_MINUTE: "100000000", LIMIT_ROOMS_PER_HOUR: "100000000" }
    : { RATE_LIMIT_EXEMPT: "127.0.0.1,::1" };
  const app = await startApp({
    env: { REDIS_URL: redis?.url ?? "", ...limits },
    nodeArgs: o["node-args"]?.split(" ").filter(Boolean) ?? [],
    ...(o.bundle ? { bundle: o.bundle } : {}),
    timeoutMs: 60_000,
  });
  const agent = new Agent({ keepAlive: true, maxSockets: WIDTH });
  try {
    const redisPid = redis ? await redisServerPid(redis.url) : undefined;
    const roomsFor = (n: number) => (o.held ? Math.min(n, 50) : Math.ceil(n / CLAIMS_PER_ROOM));
    const make = (n: number) => inBatches(roomsFor(n), 5, () => createRoom(app.url));
    const [warmRooms, rooms] = [await make(warm), await make(claims)];
    // Claim i goes to room i mod rooms: the 10 claims in flight are on 10 different rooms.
    const run = (list: typeof rooms, n: number) =>
      inBatches(n, WIDTH, (i) => {
        const room = list[i % list.length]!;
        return claim(agent, app.port, room.roomId, o.held ? room.cookie : undefined);
      });
    await run(warmRooms, warm);
    const cpu = () => ({
      server: cpuSeconds(app.pid),
      system: systemSeconds(app.pid),
      redis: redisPid ? cpuSeconds(redisPid) : 0,
      at: now(),
    });
    const from = cpu();
    const ok = await run(rooms, claims);
    const to = cpu();
    const done = ok.filter(Boolean).length;
    const each = (s: number) => round((s / done) * 1000, 3);
    console.log(
      JSON.stringify({
        mode: `${o.memory ? "memory" : "redis"}${o.held ? " held" : " fresh"}${o.limited ? " limited" : ""}`,
        bundle: o.bundle ?? "default",
        claims: done,
        failed: claims - done,
        serverMsEach: each(to.server - from.server),
        /** Of serverMsEach, in the kernel (syscalls: socket reads and writes). */
        serverSystemMsEach: each(to.system - from.system),
        redisMsEach: each(to.redis - from.redis),
        claimsPerSecond: round(done / ((to.at - from.at) / 1000), 0),
      }),
    );
  } finally {
    agent.destroy();
    await app.stop();
    await redis?.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
