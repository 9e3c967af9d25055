import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import type { Retention } from "../../lib/channels/types";
import type { FeedSink } from "../../lib/bus/types";
import { type ChannelEvent, compareIds, HISTORY_MAX_BYTES } from "../../lib/protocol";
import { channelKey } from "../../lib/redis/keys";
import { clusterSetup, memorySetup, redisSetup, type BusSetup } from "../helpers/bus-setups";
import { eventually } from "../helpers/wait";

/** Channel logs on both buses: ordered ids across instances, backlog then live, room channels end with the room. */

const RETENTION: Retention = { maxLength: 1000, expireAfterSecs: 60 };

type Follower = FeedSink<ChannelEvent> & { got: ChannelEvent[]; backlog: { events: ChannelEvent[]; reset: boolean }[] };

function follower(): Follower {
  const f: Follower = {
    got: [],
    backlog: [],
    history: (events, reset) => {
      f.backlog.push({ events, reset });
      f.got.push(...events);
    },
    message: (e) => f.got.push(e),
    unavailable: () => {},
  };
  return f;
}

let seq = 0;
const appChannel = () => `app.test-${++seq}-${Date.now().toString(36)}`;

function sharedTests(setup: () => BusSetup | undefined, skip: string | false): void {
  it(
    "ids increase across instances; history is oldest first; a feed goes from backlog to live without gaps",
    { skip },
    async () => {
      const s = setup();
      assert.ok(s);
      const channel = appChannel();
      const first = await s.a.channels.emit([{ channel, event: "job.progress", data: { pct: 1 } }], RETENTION);
      await s.b.channels.emit([{ channel, event: "job.progress", data: { pct: 2 } }], RETENTION);
      const f = follower();
      const feed = s.b.channels.feed(channel, { event: () => {}, reset: () => {} });
      await feed.open(f, { since: first[0]!.id, limit: 0 });
      assert.deepEqual(
        f.backlog.map((b) => [b.reset, b.events.map((e) => e.data)]),
        [[false, [{ pct: 2 }]]],
      );
      for (let i = 3; i <= 20; i++)
        await (i % 2 ? s.a : s.b).channels.emit([{ channel, event: "job.progress", data: { pct: i } }], RETENTION);
      await eventually(() => f.got.length === 19, 5000, "all 19 after the first arrive");
      assert.deepEqual(
        f.got.map((e) => (e.data as { pct: number }).pct),
        Array.from({ length: 19 }, (_, i) => i + 2),
      );
      for (let i = 1; i < f.got.length; i++) assert.ok(compareIds(f.got[i - 1]!.id, f.got[i]!.id) < 0);
      const h = await s.a.channels.range(channel, { limit: 5 });
      assert.deepEqual(
        h.map((e) => (e.data as { pct: number }).pct),
        [16, 17, 18, 19, 20],
      );
      feed.close(f);
    },
  );

  it("history 0 without since starts live at the channel's end (nothing old replayed)", { skip }, async () => {
    const s = setup();
    assert.ok(s);
    const channel = appChannel();
    await s.a.channels.emit([{ channel, event: "a.b", data: 1 }], RETENTION);
    const f = follower();
    const feed = s.b.channels.feed(channel, { event: () => {}, reset: () => {} });
    await feed.open(f, { limit: 0 });
    assert.deepEqual(f.backlog, [{ events: [], reset: true }]);
    await s.a.channels.emit([{ channel, event: "a.b", data: 2 }], RETENTION);
    await eventually(() => f.got.length === 1, 5000, "the new event arrives");
    assert.equal(f.got[0]?.data, 2);
    feed.close(f);
  });

  it("one emit to several channels stores one event in each", { skip }, async () => {
    const s = setup();
    assert.ok(s);
    const [c1, c2] = [appChannel(), appChannel()];
    const stored = await s.a.channels.emit(
      [c1, c2].map((channel) => ({ channel, event: "a.b", data: "x" })),
      RETENTION,
    );
    assert.deepEqual(
      stored.map((e) => e.channel),
      [c1, c2],
    );
    assert.equal((await s.b.channels.range(c1, { limit: 10 })).length, 1);
    assert.equal((await s.b.channels.range(c2, { limit: 10 })).length, 1);
  });

  it("a backlog of large events is cut to the newest within 256 KiB, as a reset", { skip }, async () => {
    const s = setup();
    assert.ok(s);
    const channel = appChannel();
    const big = "x".repeat(30 * 1024);
    const first = await s.a.channels.emit([{ channel, event: "a.b", data: "first" }], RETENTION);
    for (let i = 0; i < 20; i++) await s.a.channels.emit([{ channel, event: "a.b", data: `${i}${big}` }], RETENTION);
    for (const [since, limit] of [
      [undefined, 20],
      [first[0]!.id, 20],
    ] as const) {
      const f = follower();
      const feed = s.b.channels.feed(channel, { event: () => {}, reset: () => {} });
      await feed.open(f, { since, limit });
      const [backlog] = f.backlog;
      assert.ok(backlog);
      assert.equal(backlog.reset, true);
      assert.ok(backlog.events.length > 0 && backlog.events.length < 20, `${backlog.events.length} kept`);
      assert.ok(Buffer.byteLength(JSON.stringify(backlog.events)) <= HISTORY_MAX_BYTES);
      assert.equal(String(backlog.events.at(-1)?.data).slice(0, 2), "19", "the newest are kept");
      feed.close(f);
    }
  });

  it("a room channel is written only while its room exists, and goes with it", { skip }, async () => {
    const s = setup();
    assert.ok(s);
    const room = await s.room();
    await s.a.channels.emit([{ channel: room, event: "a.b", data: 1 }], RETENTION);
    await s.a.deleteRoom(room);
    if (s.admin) assert.equal(await s.admin.exists(channelKey(room)), 0);
  });
}

describe("channel logs: memory", () => {
  const setup = memorySetup();
  after(() => setup.close());
  sharedTests(() => setup, false);
});

describe("channel logs: redis", async () => {
  const redis = await redisSetup();
  after(() => redis?.close());
  const skip = redis ? false : "redis-server not found";
  sharedTests(() => redis, skip);

  it("an application channel expires after its retention", { skip }, async () => {
    assert.ok(redis?.admin);
    const channel = appChannel();
    await redis.a.channels.emit([{ channel, event: "a.b", data: 1 }], { maxLength: 1000, expireAfterSecs: 30 });
    const ttl = await redis.admin.pttl(channelKey(channel));
    assert.ok(ttl > 25_000 && ttl <= 30_000, `pttl ${ttl}`);
  });
});

describe("channel logs: redis cluster", async () => {
  const cluster = await clusterSetup();
  after(() => cluster?.close());
  sharedTests(() => cluster, cluster ? false : "redis-server or redis-cli not found");
});
