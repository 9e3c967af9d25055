import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { memoryKb } from "../../bench/proc";
import { startApp, type AppInstance } from "../helpers/app-server";
import { startRedis, type RedisServer } from "../helpers/redis-server";
import { skipUnless } from "../helpers/skip";
import { eventually, sleep } from "../helpers/wait";
import { TestClient } from "../helpers/ws-client";

const SOCKETS = 1000;
const CYCLES = 3;
const BOUND_KB = 10 * 1024;

/** Opens SOCKETS sockets that join the lobby (in batches, as real arrivals would), then closes them all. */
async function cycle(app: AppInstance, n: number): Promise<void> {
  const clients: TestClient[] = [];
  for (let i = 0; i < SOCKETS; i += 100) {
    clients.push(
      ...(await Promise.all(
        Array.from({ length: 100 }, (_, k) => TestClient.join(app.wsUrl, { clientId: `leak-${n}-${i + k}` })),
      )),
    );
  }
  await Promise.all(clients.map((c) => c.close()));
}

async function online(app: AppInstance): Promise<number> {
  const res = await fetch(`${app.url}/api/rooms/lobby`);
  return ((await res.json()) as { online: number }).online;
}

describe(
  "no leak: opening and closing 1000 sockets, three times",
  { skip: skipUnless("redis-server", "Redis") },
  () => {
    let redis: RedisServer | undefined;
    let app: AppInstance;
    before(async () => {
      redis = await startRedis();
      app = await startApp({ env: { REDIS_URL: redis!.url, LEAVE_GRACE_MS: "200" } });
    });
    after(async () => {
      await app?.kill();
      await redis?.stop();
    });

    it(`keeps RSS after the third cycle within 10 MB of after the first`, { timeout: 170_000 }, async () => {
      const rss: number[] = [];
      for (let n = 0; n < CYCLES; n++) {
        await cycle(app, n);
        await eventually(async () => (await online(app)) === 0, 20_000, "everyone gone from presence");
        // Leave messages and presence removals settle, and V8 gets a moment to collect.
        await sleep(3000);
        rss.push(memoryKb(app.pid).rssKb);
      }
      console.log(`RSS after each cycle of ${SOCKETS} sockets (kB): ${rss.join(", ")}`);
      assert.ok(rss.at(-1)! - rss[0]! < BOUND_KB, `RSS grew from ${rss[0]} kB to ${rss.at(-1)} kB`);
    });
  },
);
