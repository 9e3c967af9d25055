import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startApp, type AppInstance } from "../helpers/app-server";
import { collectGarbage, MiB, rssBytes } from "../helpers/process";
import { startRedis, type RedisServer } from "../helpers/redis-server";
import { skipUnless } from "../helpers/skip";
import { eventually, sleep } from "../helpers/wait";
import { TestClient } from "../helpers/ws-client";

const SOCKETS = 1000;
const CYCLES = 3;
const BOUND_BYTES = 10 * MiB;

/** Joins not answered with history on the first try (see joinLobby), over the whole test. */
let retries = 0;

/**
 * Joins the lobby as the browser client does: a join answered `unavailable` (a Redis command timed
 * out under the burst of 100 on a loaded box) is tried again. Memory, not join latency, is what
 * this test measures; a retry costs it nothing but time.
 */
async function joinLobby(app: AppInstance, clientId: string): Promise<TestClient> {
  for (let attempt = 1; ; attempt++) {
    const client = await TestClient.connect(app.wsUrl);
    // A new clientId for a retry: the failed join may have bound the first before it failed.
    const id = attempt === 1 ? clientId : `${clientId}-${attempt}`;
    client.send({ type: "join", room: "lobby", clientId: id, name: id });
    try {
      await client.next("history");
      return client;
    } catch (e) {
      await client.close();
      if (attempt === 3) throw e;
      retries++;
    }
  }
}

/** Opens SOCKETS sockets that join the lobby (in batches, as real arrivals would), then closes them all. */
async function cycle(app: AppInstance, n: number): Promise<void> {
  const clients: TestClient[] = [];
  for (let i = 0; i < SOCKETS; i += 100) {
    clients.push(...(await Promise.all(Array.from({ length: 100 }, (_, k) => joinLobby(app, `leak-${n}-${i + k}`)))));
  }
  await Promise.all(clients.map((c) => c.close()));
}

/** The lobby's online count as the observer's latest presence frame tells it. */
function online(observer: TestClient): number | undefined {
  return observer.frames.findLast((f) => f.type === "presence")?.count;
}

describe(
  "no leak: opening and closing 1000 sockets, three times",
  { skip: skipUnless("redis-server", "Redis") },
  () => {
    let redis: RedisServer | undefined;
    let app: AppInstance;
    before(async () => {
      redis = await startRedis();
      // The inspector lets the test collect garbage before each reading (see collectGarbage).
      app = await startApp({
        env: { REDIS_URL: redis!.url, LEAVE_GRACE_MS: "200", NODE_OPTIONS: "--inspect=127.0.0.1:0" },
      });
    });
    after(async () => {
      await app?.kill();
      await redis?.stop();
    });

    it(`keeps RSS after the third cycle within 10 MB of after the first`, { timeout: 170_000 }, async () => {
      const observer = await TestClient.join(app.wsUrl, { clientId: "leak-observer" });
      const rss: number[] = [];
      for (let n = 0; n < CYCLES; n++) {
        await cycle(app, n);
        await eventually(() => online(observer) === 1, 20_000, "everyone but the observer gone from presence");
        // Leave messages and presence removals settle; then only what is still live is counted.
        await sleep(2000);
        await collectGarbage(app.output());
        rss.push(rssBytes(app.pid));
      }
      const mib = rss.map((b) => (b / MiB).toFixed(1));
      console.log(`RSS after each cycle of ${SOCKETS} sockets (MiB): ${mib.join(", ")}; joins tried again: ${retries}`);
      assert.ok(retries <= 50, `${retries} of ${SOCKETS * CYCLES} joins had to be tried again`);
      assert.ok(rss.at(-1)! - rss[0]! < BOUND_BYTES, `RSS grew from ${mib[0]} MiB to ${mib.at(-1)} MiB`);
    });
  },
);
