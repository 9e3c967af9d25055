import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import type { RedisClient } from "../../../lib/redis/client";
import { Budget } from "../../../lib/limits/budget";
import { Limits, type LimitsConfig } from "../../../lib/limits/limits";
import { isFlareError } from "../../../lib/protocol";
import { createCommandClient } from "../../../lib/redis/client";
import { Commands } from "../../../lib/redis/commands";
import { startRedis } from "../../helpers/redis-server";
import { eventually } from "../../helpers/wait";

const config: LimitsConfig = {
  RATE_LIMIT_EXEMPT: ["::ffff:127.0.0.1"],
  LIMIT_SOCKETS_PER_ADDRESS: 2,
  LIMIT_JOINS_PER_MINUTE: 3,
  LIMIT_ROOMS_PER_HOUR: 2,
  LIMIT_POSTS_PER_MINUTE: 2,
  LIMIT_SEAT_CLAIMS_PER_MINUTE: 2,
  LIMIT_SSE_STREAMS_PER_ADDRESS: 1,
};

async function takes(n: number, take: () => Promise<boolean>): Promise<boolean[]> {
  const out: boolean[] = [];
  for (let i = 0; i < n; i++) out.push(await take());
  return out;
}

function rateLimited(e: unknown): boolean {
  return isFlareError(e) && e.code === "rate_limited" && e.status === 429;
}

describe("Limits (in memory)", () => {
  it("refuses an address past its budget, and only that address", async () => {
    const limits = new Limits(config, null);
    assert.deepEqual(await takes(4, () => limits.allows("joins", "203.0.113.7")), [true, true, true, false]);
    assert.equal(await limits.allows("joins", "203.0.113.8"), true);
    // Budgets are separate per kind.
    assert.equal(await limits.allows("seatClaims", "203.0.113.7"), true);
  });

  it("take throws 429 rate_limited with a message about what was limited", async () => {
    const limits = new Limits(config, null);
    await limits.take("rooms", "203.0.113.7");
    await limits.take("rooms", "203.0.113.7");
    await assert.rejects(limits.take("rooms", "203.0.113.7"), (e) => rateLimited(e) && /rooms/.test(String(e)));
  });

  it("scopes posts per address and room", async () => {
    const limits = new Limits(config, null);
    await limits.take("posts", "203.0.113.7", "lobby");
    await limits.take("posts", "203.0.113.7", "lobby");
    await assert.rejects(limits.take("posts", "203.0.113.7", "lobby"), rateLimited);
    await limits.take("posts", "203.0.113.7", "room-b");
  });

  it("holds concurrent slots until released; past the limit, 429", () => {
    const limits = new Limits(config, null);
    const a = limits.hold("sockets", "203.0.113.7");
    limits.hold("sockets", "203.0.113.7");
    assert.throws(() => limits.hold("sockets", "203.0.113.7"), rateLimited);
    a();
    limits.hold("sockets", "203.0.113.7");
    limits.hold("sseStreams", "203.0.113.7");
    assert.throws(() => limits.hold("sseStreams", "203.0.113.7"), rateLimited);
  });

  it("never limits an exempt address (listed in any spelling)", async () => {
    const limits = new Limits(config, null);
    assert.equal(limits.isExempt("127.0.0.1"), true);
    assert.ok((await takes(20, () => limits.allows("joins", "127.0.0.1"))).every(Boolean));
    for (let i = 0; i < 20; i++) limits.hold("sockets", "127.0.0.1");
  });
});

describe("Budget on Redis", async () => {
  const redis = await startRedis();
  const skip = redis ? false : "redis-server not found";
  const clients: RedisClient[] = [];
  const client = () => {
    const c = createCommandClient(redis!.url, "limits-test");
    clients.push(c);
    return c;
  };
  after(async () => {
    for (const c of clients) c.disconnect();
    await redis?.stop();
  });

  it("is shared by every instance on the same Redis, from the first take on", { skip }, async () => {
    const spec = { name: `shared-${Date.now()}`, points: 3, windowSeconds: 60 };
    const a = new Budget(spec, new Commands(client(), "test"));
    const b = new Budget(spec, new Commands(client(), "test"));
    assert.deepEqual(
      [await a.take("k"), await b.take("k"), await a.take("k"), await b.take("k"), await a.take("k")],
      [true, true, true, false, false],
    );
  });

  it("keeps its counters under the flare:limit: prefix, expiring with the window", { skip }, async () => {
    const c = client();
    const name = `prefix-${Date.now()}`;
    await new Budget({ name, points: 3, windowSeconds: 60 }, new Commands(c, "test")).take("203.0.113.7");
    const ttl = await c.ttl(`flare:limit:${name}:203.0.113.7`);
    assert.ok(ttl > 0 && ttl <= 60, `ttl ${ttl}`);
  });

  // Last: it stops the server.
  it("once Redis goes down, an in-memory budget of the same size answers at once", { skip }, async () => {
    const commands = new Commands(client(), "test");
    const budget = new Budget({ name: `down-${Date.now()}`, points: 2, windowSeconds: 60 }, commands);
    assert.equal(await budget.take("k"), true);
    await redis!.stop();
    await eventually(() => commands.client.status !== "ready", 5000, "the client to notice");
    const started = Date.now();
    // The insurance starts from zero: it never saw the take Redis counted.
    assert.deepEqual(await takes(3, () => budget.take("k")), [true, true, false]);
    assert.ok(Date.now() - started < 500, `no wait on a dead Redis (${Date.now() - started} ms)`);
  });
});
