import assert from "node:assert/strict";
import { it } from "node:test";
import { Cluster } from "ioredis";
import { type ChannelEvent, CLOSE_CODES, compareIds, MAX_CHANNELS_PER_CONNECTION } from "../../lib/protocol";
import { channelKey } from "../../lib/redis/keys";
import {
  announceTo,
  assertIncreasing,
  channelFrames,
  channelName,
  delivered,
  EMIT_ENV,
  idsOf,
  liveEvents,
  subscribe,
  subscribeError,
} from "../helpers/channels";
import { Browser } from "../helpers/http";
import { EMIT_TOKEN, emit } from "../helpers/realtime-emit";
import { createRoom, seatedBrowser } from "../helpers/rooms";
import { forEachTopology, type Topology } from "../helpers/topology";
import { eventually, sleep, within } from "../helpers/wait";
import { TestClient } from "../helpers/ws-client";

/** The contract's 10 s, shortened: a connection that neither joined nor subscribed is closed with 4002. */
const JOIN_TIMEOUT_MS = 3000;

let seq = 0;
const uid = (label: string) => `${label}-${process.pid}-${++seq}`;

/** Keys whose hash tag is `tag` (every key of a room, its channel's included, carries the room id). */
async function keysTagged(t: Topology, tag: string): Promise<string[]> {
  const redis = t.connectRedis()!;
  try {
    await redis.ping(); // a cluster client knows its masters once connected
    const found: string[] = [];
    for (const node of redis instanceof Cluster ? redis.nodes("master") : [redis]) {
      let cursor = "0";
      do {
        const [next, keys] = await node.scan(cursor, "MATCH", `*{${tag}}*`, "COUNT", 1000);
        found.push(...keys);
        cursor = next;
      } while (cursor !== "0");
    }
    return found;
  } finally {
    redis.disconnect();
  }
}

/** Seconds until `key` expires (-1: no expiry, -2: no such key). */
async function ttlOf(t: Topology, key: string): Promise<number> {
  const redis = t.connectRedis()!;
  try {
    return await redis.ttl(key);
  } finally {
    redis.disconnect();
  }
}

/** Emits `count` announcements to `channel`, one at a time, through instance `lane` and the ones after it. */
async function emitSeries(
  http: (i: number) => string,
  channel: string,
  count: number,
  label: string,
  lane = 0,
): Promise<ChannelEvent[]> {
  const out: ChannelEvent[] = [];
  for (let i = 0; i < count; i++) out.push(await announceTo(http(lane + i), channel, `${label} ${i}`));
  return out;
}

const sortedIds = (events: readonly ChannelEvent[]) => idsOf(events).sort(compareIds);

/** Protocol v1.1, "Channels: typed events", over WebSockets: one memory instance, three instances on one Redis. */
forEachTopology(
  "Channels over WebSocket",
  (t) => {
    const multi = t.name.startsWith("redis");

    it("subscribe answers subscribed, then the backlog: after since (reset:false), else the newest history (reset:true)", async () => {
      const ch = channelName("backlog");
      const sent = await emitSeries(t.http, ch, 5, "backlog");
      assert.deepEqual(
        sent.map((e) => [e.channel, e.event, e.data]),
        sent.map((_, i) => [ch, "announcement.posted", { text: `backlog ${i}` }]),
      );
      assertIncreasing(idsOf(sent), "emitted ids");
      if (t.redis || t.cluster) {
        const ttl = await ttlOf(t, channelKey(ch));
        assert.ok(
          ttl > 24 * 3600 - 60 && ttl <= 24 * 3600,
          `an application channel expires 24 h after its last emit (${ttl})`,
        );
      }
      const c = await TestClient.connect(t.ws(1));
      const unsubscribe = async () => {
        const from = c.frames.length;
        c.send({ type: "unsubscribe", channel: ch });
        await c.waitFor((f) => f.type === "unsubscribed" && f.channel === ch, 5000, "unsubscribed", from);
      };

      const afterSince = await subscribe(c, { channel: ch, since: sent[1]!.id });
      assert.deepEqual(afterSince, { type: "events", channel: ch, events: sent.slice(2), reset: false });
      await unsubscribe();

      // `since` wins over `history` when the channel still holds it.
      const both = await subscribe(c, { channel: ch, since: sent[3]!.id, history: 5 });
      assert.deepEqual(both, { type: "events", channel: ch, events: sent.slice(4), reset: false });
      await unsubscribe();

      const newest = await subscribe(c, { channel: ch, since: sent[4]!.id });
      assert.deepEqual(newest, { type: "events", channel: ch, events: [], reset: false });
      await unsubscribe();

      const history = await subscribe(c, { channel: ch, history: 3 });
      assert.deepEqual(history, { type: "events", channel: ch, events: sent.slice(2), reset: true });
      await unsubscribe();

      const more = await subscribe(c, { channel: ch, history: 1000 });
      assert.deepEqual(more, { type: "events", channel: ch, events: sent, reset: true });
      await unsubscribe();

      for (const spec of [{ history: 0 }, {}]) {
        const none = await subscribe(c, { channel: ch, ...spec });
        assert.deepEqual(none, { type: "events", channel: ch, events: [], reset: true }, JSON.stringify(spec));
        await unsubscribe();
      }

      // A channel nobody emitted to yet is followed all the same.
      const fresh = channelName("fresh");
      assert.deepEqual(await subscribe(c, { channel: fresh, history: 10 }), {
        type: "events",
        channel: fresh,
        events: [],
        reset: true,
      });
      const first = await announceTo(t.http(2), fresh, "first");
      const live = await c.waitFor((f) => f.type === "event" && f.channel === fresh);
      assert.deepEqual(live, { type: "event", ...first });
      assert.deepEqual(c.errors(), []);
      await c.close();
    });

    it("live events reach every instance in strictly increasing id order, emitted on all instances at once", async () => {
      const ch = channelName("order");
      const subscribers = await Promise.all(
        [1, 2, 0, 1].map(async (i) => {
          const c = await TestClient.connect(t.ws(i));
          await subscribe(c, { channel: ch });
          return c;
        }),
      );
      const lanes = await Promise.all([0, 1, 2].map((lane) => emitSeries(t.http, ch, 15, `lane ${lane}`, lane)));
      const all = lanes.flat();
      const expected = sortedIds(all);
      assert.equal(new Set(expected).size, 45, "45 distinct ids");
      await eventually(
        () => subscribers.every((c) => liveEvents(c, ch).length >= 45),
        10_000,
        "45 live events at every subscriber",
      );
      await sleep(200);
      for (const [k, c] of subscribers.entries()) {
        const got = liveEvents(c, ch);
        assert.deepEqual(idsOf(got), expected, `subscriber ${k}: the emitted ids in id order, each once`);
        const byId = new Map(all.map((e) => [e.id, e]));
        for (const e of got) assert.deepEqual(e, byId.get(e.id));
      }
      await Promise.all(subscribers.map((c) => c.close()));
    });

    it("backlog → live while emits run: every subscriber gets each event once, none missing", async () => {
      const ch = channelName("handover");
      const marker = await announceTo(t.http(0), ch, "before");
      const reference = await TestClient.connect(t.ws(0));
      await subscribe(reference, { channel: ch, since: marker.id });

      const total = 60;
      const sent: ChannelEvent[] = [];
      const emitting = Promise.all(
        [0, 1].map(async (lane) => {
          for (let i = 0; i < total / 2; i++) sent.push(await announceTo(t.http(lane + i), ch, `during ${lane}/${i}`));
        }),
      );
      const late: { c: TestClient; since: boolean }[] = [];
      for (let k = 0; k < 8; k++) {
        await eventually(() => sent.length >= (k * total) / 10, 10_000, `${(k * total) / 10} emits`);
        const c = await TestClient.connect(t.ws(k + 1));
        const since = k % 2 === 0;
        const backlog = await subscribe(c, since ? { channel: ch, since: marker.id } : { channel: ch, history: 1000 });
        assert.equal(backlog.reset, !since);
        late.push({ c, since });
      }
      await emitting;
      const expected = sortedIds(sent);
      const after = (c: TestClient) => delivered(c, ch).filter((e) => compareIds(e.id, marker.id) > 0);
      await eventually(
        () => [reference, ...late.map((l) => l.c)].every((c) => after(c).length >= total),
        10_000,
        "every event at every subscriber",
      );
      await sleep(200);
      assert.deepEqual(idsOf(liveEvents(reference, ch)), expected, "the reference: live only, all of them");
      for (const [k, { c, since }] of late.entries()) {
        const ids = idsOf(delivered(c, ch));
        assertIncreasing(ids, `late subscriber ${k}`);
        assert.deepEqual(ids, since ? expected : [marker.id, ...expected], `late subscriber ${k} (since: ${since})`);
      }
      await Promise.all([reference, ...late.map((l) => l.c)].map((c) => c.close()));
    });

    // Each deployment shape gets the resume case it has: another instance (Redis), or a restart (memory).
    if (multi)
      it("since resumes on another instance after a kill -9 of the one the client was on", async () => {
        const ch = channelName("resume");
        const victim = await t.addInstance();
        const c = await TestClient.connect(victim.wsUrl);
        await subscribe(c, { channel: ch });
        const seen = await emitSeries(t.http, ch, 3, "seen");
        await eventually(() => liveEvents(c, ch).length >= 3, 5000, "3 live events on the doomed instance");
        assert.deepEqual(idsOf(liveEvents(c, ch)), idsOf(seen));
        const last = liveEvents(c, ch).at(-1)!.id;

        await victim.kill();
        t.instances.splice(t.instances.indexOf(victim), 1);
        assert.equal((await within(c.closed, 5000, "the socket to drop")).code, 1006);
        const missed = await emitSeries(t.http, ch, 5, "missed");

        const back = await TestClient.connect(t.ws(1));
        const backlog = await subscribe(back, { channel: ch, since: last, history: 100 });
        assert.equal(backlog.reset, false);
        assert.deepEqual(backlog.events, missed);
        const later = await emitSeries(t.http, ch, 2, "later", 2);
        await eventually(() => liveEvents(back, ch).length >= 2, 5000, "live after the resume");
        const ids = idsOf(delivered(back, ch));
        assert.deepEqual(ids, idsOf([...missed, ...later]), "nothing missed, nothing twice");
        await back.close();
      });

    if (!multi)
      it("a since the channel no longer holds (memory restarted empty) is answered reset:true, never skipped silently", async () => {
        const ch = channelName("gone");
        const victim = await t.addInstance();
        const c = await TestClient.connect(victim.wsUrl);
        await subscribe(c, { channel: ch });
        const seen = await emitSeries(() => victim.url, ch, 2, "seen");
        await eventually(() => liveEvents(c, ch).length >= 2, 5000, "2 live events");
        const last = seen.at(-1)!.id;
        await victim.kill();
        t.instances.splice(t.instances.indexOf(victim), 1);
        await within(c.closed, 5000, "the socket to drop");

        const fresh = await t.addInstance();
        const after = await announceTo(fresh.url, ch, "after the restart");
        const back = await TestClient.connect(fresh.wsUrl);
        const backlog = await subscribe(back, { channel: ch, since: last, history: 10 });
        assert.deepEqual(backlog, { type: "events", channel: ch, events: [after], reset: true });
        await back.close();
        // Later tests expect the suite's one memory instance only.
        await fresh.stop();
        t.instances.splice(t.instances.indexOf(fresh), 1);
      });

    it("events filters the backlog and the live events by name", async () => {
      const ch = channelName("filter");
      const retract = (base: string, id: string) =>
        emit(base, { channel: ch, event: "announcement.retracted", data: { id } });
      const before = await emitSeries(t.http, ch, 2, "before");
      const retractedBefore = await retract(t.http(0), before[0]!.id);
      const wanted = await TestClient.connect(t.ws(0));
      const other = await TestClient.connect(t.ws(1));
      const backlog = await subscribe(wanted, { channel: ch, events: ["announcement.posted"], history: 10 });
      assert.deepEqual(backlog.events, before);
      const retractions = await subscribe(other, { channel: ch, events: ["announcement.retracted"], history: 10 });
      assert.deepEqual(retractions.events, [retractedBefore]);
      const live = await emitSeries(t.http, ch, 3, "live", 1);
      const retractedLive = await retract(t.http(1), live[0]!.id);
      await eventually(() => liveEvents(wanted, ch).length >= 3, 5000, "the filtered-in events");
      await eventually(() => liveEvents(other, ch).length >= 1, 5000, "the live retraction");
      // Fan-out on an instance reaches all its followers at once; the other follower is on the next instance.
      const watcher = await TestClient.connect(t.ws(1));
      await subscribe(watcher, { channel: ch, since: retractedLive.id });
      const marker = await announceTo(t.http(1), ch, "marker");
      await watcher.waitFor((f) => f.type === "event" && f.id === marker.id);
      await other.sync();
      await wanted.sync();
      assert.deepEqual(idsOf(liveEvents(wanted, ch)), idsOf([...live, marker]));
      assert.deepEqual(liveEvents(other, ch), [retractedLive], "only the retraction");
      await Promise.all([wanted.close(), other.close(), watcher.close()]);
    });

    it("100 channels per connection: the 101st gets too_many_channels, the connection stays open", async () => {
      const c = await TestClient.connect(t.ws(0));
      const names = Array.from({ length: MAX_CHANNELS_PER_CONNECTION + 1 }, (_, i) => channelName(`many${i}`));
      const from = c.frames.length;
      for (const name of names.slice(0, MAX_CHANNELS_PER_CONNECTION)) c.send({ type: "subscribe", channel: name });
      await eventually(
        () => c.frames.slice(from).filter((f) => f.type === "events").length >= MAX_CHANNELS_PER_CONNECTION,
        10_000,
        "100 backlogs",
      );
      assert.deepEqual(c.errors(), []);
      const extra = names.at(-1)!;
      const refused = await subscribeError(c, { channel: extra });
      assert.equal(refused.code, "too_many_channels");
      assert.equal(refused.channel, extra);
      await c.sync();
      // Room for one more after an unsubscribe.
      c.send({ type: "unsubscribe", channel: names[0]! });
      await c.waitFor((f) => f.type === "unsubscribed" && f.channel === names[0]);
      await subscribe(c, { channel: extra });
      const e = await announceTo(t.http(1), extra, "the 100th");
      await c.waitFor((f) => f.type === "event" && f.id === e.id);
      assert.equal(c.ws.readyState, c.ws.OPEN);
      await c.close();
    });

    it("a second subscribe to a channel gets already_subscribed; the first delivers each event once", async () => {
      const ch = channelName("twice");
      const c = await TestClient.connect(t.ws(1));
      await subscribe(c, { channel: ch });
      const again = await subscribeError(c, { channel: ch, history: 10 });
      assert.equal(again.code, "already_subscribed");
      assert.equal(again.channel, ch);
      const [e1, e2] = await emitSeries(t.http, ch, 2, "once");
      await c.waitFor((f) => f.type === "event" && f.id === e2!.id);
      await sleep(200);
      await c.sync();
      assert.deepEqual(idsOf(liveEvents(c, ch)), [e1!.id, e2!.id]);
      assert.equal(channelFrames(c, ch).filter((f) => f.type === "events").length, 1, "one backlog");
      await c.close();
    });

    it("bad subscribe and unsubscribe frames get bad_frame, the connection stays open", async () => {
      const c = await TestClient.connect(t.ws(0));
      const bad: Record<string, unknown>[] = [
        { channel: "has space" },
        { channel: "" },
        { channel: "x".repeat(65) },
        { channel: "ünïcode" },
        { channel: "slash/name" },
        { channel: 42 },
        {},
        { channel: channelName("ok"), history: 1001 },
        { channel: channelName("ok"), history: -1 },
        { channel: channelName("ok"), history: 1.5 },
        { channel: channelName("ok"), since: "" },
        { channel: channelName("ok"), events: [] },
        { channel: channelName("ok"), events: ["not an event name"] },
      ];
      for (const frame of bad) {
        const from = c.frames.length;
        c.send({ type: "subscribe", ...frame });
        const answer = await c.waitFor((f) => f.type === "error" || f.type === "subscribed", 5000, "an answer", from);
        assert.equal(
          answer.type === "error" && answer.code,
          "bad_frame",
          `${JSON.stringify(frame)}: ${JSON.stringify(answer)}`,
        );
      }
      const from = c.frames.length;
      c.send({ type: "unsubscribe", channel: "no such name!" });
      const answer = await c.waitFor((f) => f.type === "error", 5000, "an answer", from);
      assert.equal(answer.type === "error" && answer.code, "bad_frame");
      await c.sync();
      await subscribe(c, { channel: channelName("fine") });
      await c.close();
    });

    it("the app's middleware: user-<id> channels need the flare_user cookie of that id (forbidden)", async () => {
      const user = `${process.pid}${++seq}`;
      const ch = `user-${user}`;
      const anonymous = await TestClient.connect(t.ws(0));
      const refused = await subscribeError(anonymous, { channel: ch });
      assert.equal(refused.code, "forbidden");
      assert.equal(refused.channel, ch);
      const someoneElse = await TestClient.connect(t.ws(1), { cookie: `flare_user=${user}9` });
      assert.equal((await subscribeError(someoneElse, { channel: ch })).code, "forbidden");
      // Refused, still open and still served.
      await anonymous.sync();
      await subscribe(anonymous, { channel: channelName("public") });

      const owner = await TestClient.connect(t.ws(1), { cookie: `theme=dark; flare_user=${user}` });
      await subscribe(owner, { channel: ch });
      const e = await emit(t.http(2), { channel: ch, event: "announcement.posted", data: { text: "for you" } });
      await owner.waitFor((f) => f.type === "event" && f.id === e.id);
      await someoneElse.sync();
      assert.deepEqual(liveEvents(anonymous, ch), []);
      assert.deepEqual(liveEvents(someoneElse, ch), []);
      await Promise.all([anonymous.close(), someoneElse.close(), owner.close()]);
    });

    it("room channels: unauthorized without the seat, room_not_found for an unknown room, open to seat holders", async () => {
      const a = new Browser(t.http(0));
      const room = await createRoom(a);
      const stranger = await TestClient.connect(t.ws(1));
      const refused = await subscribeError(stranger, { channel: room.roomId });
      assert.equal(refused.code, "unauthorized");
      assert.equal(refused.channel, room.roomId);
      const forged = await TestClient.connect(t.ws(0), {
        cookie: `flare_seat_${room.roomId}=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`,
      });
      assert.equal((await subscribeError(forged, { channel: room.roomId })).code, "unauthorized");
      const unknown = "ZZZZZZZZZZZZZZZZZZZZZ";
      const lost = await subscribeError(stranger, { channel: unknown });
      assert.equal(lost.code, "room_not_found");
      assert.equal(lost.channel, unknown);
      await stranger.sync();
      assert.equal(stranger.ws.readyState, stranger.ws.OPEN);

      const seated = await TestClient.connect(t.ws(1), { cookie: a.cookieHeader() });
      await subscribe(seated, { channel: room.roomId });
      const e = await announceTo(t.http(2), room.roomId, "in the room");
      assert.equal(e.channel, room.roomId);
      await seated.waitFor((f) => f.type === "event" && f.id === e.id);
      // The lobby is public.
      await subscribe(stranger, { channel: "lobby" });
      await Promise.all([stranger.close(), forged.close(), seated.close()]);
    });

    it("a room channel ends with its room: unsubscribed/destroyed on every instance, its keys gone", async () => {
      const a = new Browser(t.http(0));
      const room = await createRoom(a);
      const b = await seatedBrowser(t.http(1), room.roomId);
      const ca = await TestClient.connect(t.ws(0), { cookie: a.cookieHeader() });
      const cb = await TestClient.connect(t.ws(1), { cookie: b.cookieHeader() });
      const other = channelName("survivor");
      for (const c of [ca, cb]) {
        await subscribe(c, { channel: room.roomId });
        await subscribe(c, { channel: other });
      }
      const e = await announceTo(t.http(2), room.roomId, "before the end");
      for (const c of [ca, cb]) await c.waitFor((f) => f.type === "event" && f.id === e.id);
      if (t.redis || t.cluster) assert.ok((await keysTagged(t, room.roomId)).includes(channelKey(room.roomId)));

      const started = Date.now();
      assert.equal((await b.delete(`/api/rooms/${room.roomId}`, t.http(1))).status, 204);
      for (const c of [ca, cb]) {
        const end = await c.waitFor((f) => f.type === "unsubscribed" && f.channel === room.roomId, 3000);
        assert.deepEqual(end, { type: "unsubscribed", channel: room.roomId, reason: "destroyed" });
      }
      assert.ok(Date.now() - started < 2000, `within 2 s (${Date.now() - started} ms)`);
      // The connections stay open and keep their other channels.
      const after = await announceTo(t.http(0), other, "still here");
      for (const c of [ca, cb]) await c.waitFor((f) => f.type === "event" && f.id === after.id);
      for (const c of [ca, cb])
        assert.deepEqual(
          channelFrames(c, room.roomId).map((f) => f.type),
          ["subscribed", "events", "event", "unsubscribed"],
        );
      // Gone for good: no emit, no subscribe.
      const refused = await fetch(`${t.http(2)}/api/realtime/emit`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${EMIT_TOKEN}` },
        body: JSON.stringify({ channel: room.roomId, event: "announcement.posted", data: { text: "too late" } }),
      });
      assert.equal(refused.status, 404, await refused.text());
      assert.equal((await subscribeError(ca, { channel: room.roomId })).code, "room_not_found");
      if (t.redis || t.cluster) assert.deepEqual(await keysTagged(t, room.roomId), []);
      await Promise.all([ca.close(), cb.close()]);
    });

    it("a room channel ends at the room's TTL: unsubscribed/expired within 2 s, its keys gone", async () => {
      const a = new Browser(t.http(0));
      const room = await createRoom(a, { ttlSeconds: 10 });
      const b = await seatedBrowser(t.http(1), room.roomId);
      const ca = await TestClient.connect(t.ws(0), { cookie: a.cookieHeader() });
      const cb = await TestClient.connect(t.ws(1), { cookie: b.cookieHeader() });
      for (const c of [ca, cb]) await subscribe(c, { channel: room.roomId });
      await announceTo(t.http(1), room.roomId, "short-lived");
      if (t.redis || t.cluster) {
        const ttl = await ttlOf(t, channelKey(room.roomId));
        assert.ok(ttl > 0 && ttl <= 10, `the room channel expires with the room (${ttl} s)`);
      }
      for (const c of [ca, cb]) {
        const end = await c.waitFor((f) => f.type === "unsubscribed" && f.channel === room.roomId, 15_000);
        assert.deepEqual(end, { type: "unsubscribed", channel: room.roomId, reason: "expired" });
        assert.ok(Date.now() - room.expiresAt < 2000, `within 2 s of expiry (${Date.now() - room.expiresAt} ms)`);
        await c.sync();
      }
      if (t.redis || t.cluster) {
        await eventually(async () => (await keysTagged(t, room.roomId)).length === 0, 2000, "the room's keys to go");
      }
      await Promise.all([ca.close(), cb.close()]);
    });

    it("unsubscribe answers unsubscribed, and nothing of the channel follows it", async () => {
      const ch = channelName("leave");
      const c = await TestClient.connect(t.ws(1));
      const watcher = await TestClient.connect(t.ws(1));
      await subscribe(c, { channel: ch });
      await subscribe(watcher, { channel: ch });
      const first = await announceTo(t.http(0), ch, "heard");
      await c.waitFor((f) => f.type === "event" && f.id === first.id);
      const from = c.frames.length;
      // Emits keep arriving while the unsubscribe is on its way.
      const emitting = emitSeries(t.http, ch, 10, "racing");
      c.send({ type: "unsubscribe", channel: ch });
      const answer = await c.waitFor((f) => f.type === "unsubscribed" && f.channel === ch, 5000, "unsubscribed", from);
      assert.deepEqual(answer, { type: "unsubscribed", channel: ch });
      const racing = await emitting;
      const last = await announceTo(t.http(2), ch, "unheard");
      // Fan-out on an instance reaches all its followers at once: once the watcher has the last
      // event, c would have had it too.
      await watcher.waitFor((f) => f.type === "event" && f.id === last.id, 5000);
      await sleep(100);
      await c.sync();
      const own = channelFrames(c, ch);
      assert.equal(own.at(-1)?.type, "unsubscribed", `nothing after unsubscribed: ${JSON.stringify(own.slice(-3))}`);
      const heard = idsOf(liveEvents(c, ch));
      assert.deepEqual(heard, idsOf([first, ...racing]).slice(0, heard.length), "a prefix, in order");
      await Promise.all([c.close(), watcher.close()]);
    });

    it("a connection that only subscribed is not closed with 4002 after the join timeout", async () => {
      const ch = channelName("no-join");
      const opened = Date.now();
      const idle = await TestClient.connect(t.ws(0));
      const c = await TestClient.connect(t.ws(0));
      await subscribe(c, { channel: ch });
      assert.equal(
        (await within(idle.closed, JOIN_TIMEOUT_MS + 5000, "the idle socket's 4002")).code,
        CLOSE_CODES.joinTimeout,
      );
      await sleep(Math.max(0, opened + JOIN_TIMEOUT_MS + 1000 - Date.now()));
      await c.sync();
      const e = await announceTo(t.http(1), ch, "still subscribed");
      await c.waitFor((f) => f.type === "event" && f.id === e.id);
      assert.equal(c.ws.readyState, c.ws.OPEN);
      await c.close();
    });

    it("one connection joins a room and subscribes channels: chat and events both arrive", async () => {
      const ch = channelName("both");
      const c = await TestClient.connect(t.ws(0));
      await subscribe(c, { channel: ch });
      const clientId = uid("both");
      c.send({ type: "join", room: "lobby", clientId, name: "Both" });
      await c.next("joined");
      await c.next("history");
      const second = channelName("both-2");
      await subscribe(c, { channel: second, history: 5 });
      await subscribe(c, { channel: "lobby" });
      c.send({ type: "message", text: "chat and events", nonce: "both-1" });
      const ack = await c.next("ack");
      await c.waitFor((f) => f.type === "message" && f.message.id === ack.id);
      const [e1] = await emitSeries(t.http, ch, 1, "one", 1);
      const [e2] = await emitSeries(t.http, second, 1, "two", 2);
      const [e3] = await emitSeries(t.http, "lobby", 1, "three", 0);
      for (const e of [e1!, e2!, e3!]) await c.waitFor((f) => f.type === "event" && f.id === e.id);
      // The lobby channel carries events, not chat messages.
      assert.deepEqual(idsOf(liveEvents(c, "lobby")), [e3!.id]);
      c.send({ type: "join", room: "lobby", clientId: uid("again"), name: "Again" });
      assert.equal((await c.next("error")).code, "already_joined");
      assert.deepEqual(
        c.errors().map((e) => e.code),
        ["already_joined"],
      );
      await c.close();
    });
  },
  {
    specs: [
      { name: "memory, 1 instance", redis: false, instances: 1 },
      { name: "redis, 3 instances", redis: "single", instances: 3 },
      { name: "redis cluster, 3 instances", redis: "cluster", instances: 3 },
    ],
    env: { ...EMIT_ENV, JOIN_TIMEOUT_MS: String(JOIN_TIMEOUT_MS) },
  },
);
