import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { connect, createServer, type AddressInfo, type Server, type Socket } from "node:net";
import type { Browser as PlaywrightBrowser } from "playwright-core";
import { after, before, describe, it } from "node:test";
import { startApp, type AppInstance } from "../helpers/app-server";
import { launchBrowser } from "../helpers/browser";
import { Browser } from "../helpers/http";
import { createRoom } from "../helpers/rooms";
import { EMIT_TOKEN } from "../helpers/realtime-emit";
import { forEachTopology } from "../helpers/topology";
import { eventually, sleep } from "../helpers/wait";

/**
 * The HTTP side of channels (shared/protocol.md, "HTTP for channels"): Server-Sent Events over
 * several channels with a Last-Event-ID that resumes all of them, history, the schema and the
 * token-guarded emit, against real instances (in memory, and two on one Redis).
 */

const TOKEN = EMIT_TOKEN;
const EVENT = "announcement.posted";

type Event = { id: string; channel: string; event: string; data: { text: string; by?: string }; ts: number };
type Received = { event: string; data: string; lastEventId: string };

/** A unique channel name per test, so topologies and tests never share one. */
const name = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

/**
 * Reads a text/event-stream as EventSource does: an `id:` field sets the last event id when its
 * block is dispatched, even a block without data (which dispatches no event).
 */
class SseReader {
  readonly received: Received[] = [];
  lastEventId = "";
  ended = false;
  private idBuffer = "";
  private text = "";

  private constructor(
    res: Response,
    private readonly abort: AbortController,
  ) {
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    void (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          this.text += decoder.decode(value, { stream: true });
          this.parse();
        }
      } catch {
        // aborted or the server went away
      }
      this.ended = true;
    })();
  }

  static async open(url: string, headers: Record<string, string> = {}): Promise<SseReader> {
    const abort = new AbortController();
    const res = await fetch(url, { headers, signal: abort.signal });
    assert.equal(res.status, 200, await (res.status === 200 ? "" : res.text()));
    assert.match(res.headers.get("content-type")!, /^text\/event-stream/);
    return new SseReader(res, abort);
  }

  /** Parsed events of this name (the app's events carry the Event JSON). */
  events(event = EVENT): Event[] {
    return this.received.filter((r) => r.event === event).map((r) => JSON.parse(r.data) as Event);
  }

  texts(channel?: string): string[] {
    return this.events()
      .filter((e) => channel === undefined || e.channel === channel)
      .map((e) => e.data.text);
  }

  async until(check: (r: this) => boolean, what: string, timeoutMs = 5000): Promise<void> {
    await eventually(() => check(this), timeoutMs, `${what}; got ${JSON.stringify(this.received)}`);
  }

  close(): void {
    this.abort.abort();
  }

  private parse(): void {
    let end: number;
    while ((end = this.text.indexOf("\n\n")) >= 0) {
      const block = this.text.slice(0, end);
      this.text = this.text.slice(end + 2);
      let event = "";
      const data: string[] = [];
      for (const line of block.split("\n")) {
        const colon = line.indexOf(":");
        if (colon === 0) continue;
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "id") this.idBuffer = value;
        else if (field === "event") event = value;
        else if (field === "data") data.push(value);
      }
      this.lastEventId = this.idBuffer;
      if (data.length === 0) continue;
      this.received.push({ event: event || "message", data: data.join("\n"), lastEventId: this.lastEventId });
    }
  }
}

async function emit(base: string, channel: string | undefined, text: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}/api/realtime/emit`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}`, ...headers },
    body: JSON.stringify({ ...(channel === undefined ? {} : { channel }), event: EVENT, data: { text } }),
  });
  return { status: res.status, body: (await res.json().catch(() => undefined)) as any };
}

async function emitOk(base: string, channel: string, text: string): Promise<Event> {
  const res = await emit(base, channel, text);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.event as Event;
}

async function getJson(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { headers });
  const text = await res.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, body, contentType: res.headers.get("content-type") };
}

const stream = (base: string, query: string) => `${base}/api/realtime?${query}`;

forEachTopology(
  "channels over HTTP",
  (t) => {
    it("SSE follows several channels: the newest `history` of each, then live events from any instance", async () => {
      const a = name("news");
      const b = name("jobs");
      for (const text of ["a1", "a2", "a3"]) await emitOk(t.http(0), a, text);
      for (const text of ["b1", "b2"]) await emitOk(t.http(0), b, text);
      const sse = await SseReader.open(stream(t.http(1), `channels=${a},${b}&history=2`));
      await sse.until((s) => s.events().length === 4, "the backlogs");
      assert.deepEqual(sse.texts(a), ["a2", "a3"]);
      assert.deepEqual(sse.texts(b), ["b1", "b2"]);
      assert.equal(sse.received.filter((r) => r.event === "reset").length, 0, "a fresh stream announces no reset");

      const live = await emitOk(t.http(0), b, "b3");
      await emitOk(t.http(1), a, "a4");
      await sse.until((s) => s.events().length === 6, "the live events");
      assert.deepEqual(sse.texts(a), ["a2", "a3", "a4"]);
      assert.deepEqual(sse.texts(b), ["b1", "b2", "b3"]);
      const got = sse.events().find((e) => e.id === live.id)!;
      assert.deepEqual(got, live);
      assert.deepEqual(Object.keys(got).sort(), ["channel", "data", "event", "id", "ts"]);
      const last = sse.received.at(-1)!;
      assert.match(last.lastEventId, new RegExp(`^(${a}@\\d+-\\d+,${b}@\\d+-\\d+|${b}@\\d+-\\d+,${a}@\\d+-\\d+)$`));
      sse.close();
    });

    it("Last-Event-ID resumes every channel after a cut, without gaps or doubles", async () => {
      const busy = name("busy");
      const empty = name("empty");
      const old = name("old");
      await emitOk(t.http(0), busy, "before");
      await emitOk(t.http(0), old, "old0");
      const first = await SseReader.open(stream(t.http(1), `channels=${busy},${empty},${old}`));
      // No history asked: nothing arrives, yet the client is positioned on every channel.
      await first.until((s) => s.lastEventId.split(",").length === 3, "the position block");
      await emitOk(t.http(0), busy, "seen");
      await first.until((s) => s.texts().length === 1, "the live event");
      first.close();

      await emitOk(t.http(0), busy, "missed1");
      await emitOk(t.http(1), empty, "missed2");
      await emitOk(t.http(0), old, "missed3");
      await emitOk(t.http(1), busy, "missed4");

      const second = await SseReader.open(stream(t.http(0), `channels=${busy},${empty},${old}`), {
        "last-event-id": first.lastEventId,
      });
      await second.until((s) => s.texts().length === 4, "the missed events");
      assert.deepEqual(second.texts(busy), ["missed1", "missed4"]);
      assert.deepEqual(second.texts(empty), ["missed2"]);
      assert.deepEqual(second.texts(old), ["missed3"]);
      await emitOk(t.http(1), empty, "live");
      await second.until((s) => s.texts(empty).length === 2, "a live event after the resume");
      await sleep(200);
      assert.equal(second.texts().length, 5, "nothing twice");
      assert.equal(second.received.filter((r) => r.event === "reset").length, 0);

      // ?since= carries the same cursor (for clients that cannot set the header).
      second.close();
      const third = await SseReader.open(
        stream(t.http(1), `channels=${busy},${empty},${old}&since=${encodeURIComponent(second.lastEventId)}`),
      );
      await emitOk(t.http(0), old, "after");
      await third.until((s) => s.texts().length === 1, "only what is new");
      assert.deepEqual(third.texts(), ["after"]);
      third.close();
    });

    it("a cursor the channel no longer holds gets `event: reset` and the newest `history`", async () => {
      const ch = name("gone");
      await emitOk(t.http(0), ch, "x1");
      await emitOk(t.http(0), ch, "x2");
      const sse = await SseReader.open(stream(t.http(0), `channels=${ch}&history=1`), {
        "last-event-id": `${ch}@1000-0`,
      });
      await sse.until((s) => s.texts().length === 1, "the newest event");
      assert.equal(sse.received[0]!.event, "reset");
      assert.deepEqual(JSON.parse(sse.received[0]!.data), { channel: ch });
      assert.deepEqual(sse.texts(), ["x2"]);
      sse.close();
    });

    it("events= keeps only the named events, in the backlog and live", async () => {
      const ch = name("filtered");
      await emitOk(t.http(0), ch, "old");
      const none = await SseReader.open(stream(t.http(1), `channels=${ch}&events=announcement.retracted&history=5`));
      const some = await SseReader.open(stream(t.http(1), `channels=${ch}&events=${EVENT}&history=5`));
      await emitOk(t.http(0), ch, "new");
      await some.until((s) => s.texts().length === 2, "both events");
      await sleep(200);
      assert.deepEqual(none.texts(), []);
      none.close();
      some.close();
      const bad = await getJson(stream(t.http(0), `channels=${ch}&events=not%20an%20event`));
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.code, "bad_request");
    });

    it("history pages by event ids and by epoch ms, oldest first", async () => {
      const ch = name("history");
      const events: Event[] = [];
      for (let i = 0; i < 5; i++) {
        events.push(await emitOk(t.http(i), ch, `h${i}`));
        await sleep(5);
      }
      const ids = events.map((e) => e.id);
      const history = async (query: string) => {
        const res = await getJson(`${t.http(1)}/api/realtime/history?channel=${ch}${query}`);
        assert.equal(res.status, 200, JSON.stringify(res.body));
        return (res.body.events as Event[]).map((e) => e.id);
      };
      assert.deepEqual(await history(""), ids);
      assert.deepEqual(await history("&limit=2"), ids.slice(3));
      assert.deepEqual(await history(`&start=${ids[1]}&limit=2`), ids.slice(1, 3));
      assert.deepEqual(await history(`&end=${ids[2]}`), ids.slice(0, 3));
      assert.deepEqual(await history(`&start=${ids[1]}&end=${ids[3]}`), ids.slice(1, 4));
      assert.deepEqual(await history(`&start=${events[3]!.ts}`), ids.slice(3));
      assert.deepEqual(await history(`&end=${events[1]!.ts}`), ids.slice(0, 2));
      assert.deepEqual(await history(`&start=${events[1]!.ts}&end=${events[2]!.ts}`), ids.slice(1, 3));
      const full = await getJson(`${t.http(0)}/api/realtime/history?channel=${ch}&limit=1`);
      assert.deepEqual(full.body, { events: [events[4]] });
      const badQueries = ["&limit=0", "&limit=1001", "&start=yesterday", "&end=1-"].map((q) => `?channel=${ch}${q}`);
      for (const bad of [...badQueries, "?channel=bad%20name", ""]) {
        const res = await getJson(`${t.http(0)}/api/realtime/history${bad}`);
        assert.equal(res.status, 400, bad);
        assert.equal(res.body.error.code, "bad_request", bad);
      }
    });

    it("the schema route describes every event's data as JSON Schema", async () => {
      const res = await getJson(`${t.http(0)}/api/realtime/schema`);
      assert.equal(res.status, 200);
      assert.deepEqual(Object.keys(res.body), ["events"]);
      const posted = res.body.events[EVENT];
      assert.equal(posted.type, "object");
      assert.deepEqual(posted.required, ["text"]);
      assert.deepEqual(posted.properties.text, { type: "string", minLength: 1, maxLength: 280 });
      assert.equal(posted.properties.by.type, "string");
      assert.match(posted.$schema, /json-schema\.org/);
    });

    it("emit needs the token, checks the data against the event's schema and returns the stored Event", async () => {
      const ch = name("emit");
      const wrong = await emit(t.http(0), ch, "x", { authorization: "Bearer not-the-token-at-all" });
      assert.equal(wrong.status, 401);
      assert.equal(wrong.body.error.code, "unauthorized");
      const missing = await emit(t.http(0), ch, "x", { authorization: "" });
      assert.equal(missing.status, 401);

      const ok = await emit(t.http(0), ch, " hello ");
      assert.equal(ok.status, 201);
      const event = ok.body.event as Event;
      assert.deepEqual(Object.keys(ok.body), ["event"]);
      assert.equal(event.channel, ch);
      assert.equal(event.event, EVENT);
      assert.deepEqual(event.data, { text: "hello" });
      assert.match(event.id, /^\d+-\d+$/);
      assert.ok(Math.abs(event.ts - Date.now()) < 5000);

      const fallback = await emit(t.http(1), undefined, "to the default channel");
      assert.equal(fallback.status, 201);
      assert.equal(fallback.body.event.channel, "default");

      const post = (body: unknown, headers: Record<string, string> = {}) =>
        fetch(`${t.http(0)}/api/realtime/emit`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}`, ...headers },
          body: typeof body === "string" ? body : JSON.stringify(body),
        }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
      for (const body of [
        { channel: ch, event: EVENT, data: { text: "" } },
        { channel: ch, event: EVENT, data: { text: "x".repeat(281) } },
        { channel: ch, event: EVENT, data: "just text" },
        { channel: ch, event: EVENT },
        { channel: ch, event: "announcement.unknown", data: { text: "x" } },
        { channel: "bad name", event: EVENT, data: { text: "x" } },
        "not json",
      ]) {
        const res = await post(body);
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.equal(res.body.error.code, "bad_request");
      }
      const form = await post({ channel: ch, event: EVENT, data: { text: "x" } }, { "content-type": "text/plain" });
      assert.equal(form.status, 400);
      // The body may carry data up to the event cap (32 KiB of JSON), not only the 16 KiB of other POSTs.
      const large = await post({ channel: ch, event: EVENT, data: { text: "x".repeat(30 * 1024) } });
      assert.equal(large.status, 400);
      assert.match(large.body.error.message, /280/);
      const huge = await post({ channel: ch, event: EVENT, data: { text: "x".repeat(40 * 1024) } });
      assert.equal(huge.status, 413);
      assert.equal(huge.body.error.code, "too_large");
      const stored = await getJson(`${t.http(1)}/api/realtime/history?channel=${ch}`);
      assert.deepEqual(stored.body.events, [event]);
    });

    it("the app's middleware guards user- channels: forbidden without the right flare_user cookie", async () => {
      const ch = "user-42";
      for (const cookie of [undefined, "flare_user=41"]) {
        const headers: Record<string, string> = cookie ? { cookie } : {};
        const sse = await getJson(stream(t.http(0), `channels=news,${ch}`), headers);
        assert.equal(sse.status, 403);
        assert.equal(sse.body.error.code, "forbidden");
        assert.match(sse.body.error.message, /Only its user/);
        const history = await getJson(`${t.http(0)}/api/realtime/history?channel=${ch}`, headers);
        assert.equal(history.status, 403);
      }
      const own = await SseReader.open(stream(t.http(1), `channels=${ch}`), { cookie: "flare_user=42" });
      const sent = await emitOk(t.http(0), ch, "for 42 only");
      await own.until((s) => s.events().some((e) => e.id === sent.id), "the personal event");
      own.close();
      const history = await getJson(`${t.http(0)}/api/realtime/history?channel=${ch}`, { cookie: "flare_user=42" });
      assert.equal(history.status, 200);
    });

    it("a private room's channel needs its seat, and ends with the room", async () => {
      const owner = new Browser(t.http(0));
      const { roomId } = await createRoom(owner);
      const stranger = await getJson(stream(t.http(1), `channels=${roomId}`));
      assert.equal(stranger.status, 401);
      assert.equal(stranger.body.error.code, "unauthorized");
      assert.equal((await getJson(`${t.http(1)}/api/realtime/history?channel=${roomId}`)).status, 401);

      const sse = await SseReader.open(stream(t.http(1), `channels=${roomId}`), { cookie: owner.cookieHeader() });
      const sent = await emitOk(t.http(0), roomId, "in the room");
      await sse.until((s) => s.events().some((e) => e.id === sent.id), "the room's event");
      const history = await getJson(`${t.http(1)}/api/realtime/history?channel=${roomId}`, {
        cookie: owner.cookieHeader(),
      });
      assert.deepEqual(history.body.events, [sent]);

      assert.equal((await owner.delete(`/api/rooms/${roomId}`)).status, 204);
      await sse.until((s) => s.ended, "the end of the stream");
      const end = sse.received.find((r) => r.event === "unsubscribed");
      assert.ok(end, "event: unsubscribed");
      assert.deepEqual(JSON.parse(end.data), { channel: roomId, reason: "destroyed" });

      const gone = await getJson(stream(t.http(0), `channels=${roomId}`), { cookie: owner.cookieHeader() });
      assert.equal(gone.status, 404);
      assert.equal(gone.body.error.code, "room_not_found");
      const emitGone = await emit(t.http(1), roomId, "too late");
      assert.equal(emitGone.status, 404);
      assert.equal(emitGone.body.error.code, "room_not_found");
    });

    it("a stream over a room channel and an app channel goes on after the room ends", async () => {
      const owner = new Browser(t.http(0));
      const { roomId } = await createRoom(owner);
      const app = name("app");
      const sse = await SseReader.open(stream(t.http(0), `channels=${roomId},${app}`), {
        cookie: owner.cookieHeader(),
      });
      await owner.delete(`/api/rooms/${roomId}`);
      await sse.until((s) => s.received.some((r) => r.event === "unsubscribed"), "the room's end");
      await emitOk(t.http(1), app, "still here");
      await sse.until((s) => s.texts(app).length === 1, "the app channel's event");
      assert.equal(sse.ended, false);
      sse.close();
    });

    it("names and counts are checked: bad_request, too_many_channels", async () => {
      const bad = await getJson(stream(t.http(0), "channels=a%20b"));
      assert.equal(bad.status, 400);
      assert.equal((await getJson(stream(t.http(0), ""))).status, 400);
      assert.equal((await getJson(stream(t.http(0), "channels=a&history=1001"))).status, 400);
      const cursor = await getJson(stream(t.http(0), "channels=a"), { "last-event-id": "a@nonsense" });
      assert.equal(cursor.status, 400);
      const many = Array.from({ length: 101 }, (_, i) => `c${i}`).join(",");
      const tooMany = await getJson(stream(t.http(0), `channels=${many}`));
      assert.equal(tooMany.status, 429);
      assert.equal(tooMany.body.error.code, "too_many_channels");
    });

    // Another instance to resume on exists only with Redis.
    if (t.name.startsWith("redis"))
      it("resumes without gaps on another instance after the serving one is killed", async () => {
        const ch = name("crash");
        const quiet = name("quiet");
        await emitOk(t.http(0), ch, "c0");
        const victim = t.instances[1]!;
        const sse = await SseReader.open(stream(victim.url, `channels=${ch},${quiet}&history=1`));
        await sse.until((s) => s.texts().length === 1, "the backlog");
        await emitOk(t.http(0), ch, "c1");
        await sse.until((s) => s.texts().length === 2, "a live event");
        await victim.kill();
        await sse.until((s) => s.ended, "the cut");
        for (const text of ["c2", "c3"]) await emitOk(t.http(0), ch, text);
        await emitOk(t.http(0), quiet, "q1");
        const replacement = await t.addInstance();
        t.instances.splice(t.instances.indexOf(victim), 1);
        const resumed = await SseReader.open(stream(replacement.url, `channels=${ch},${quiet}&history=1`), {
          "last-event-id": sse.lastEventId,
        });
        await resumed.until((s) => s.texts().length === 3, "what the crash cut off");
        assert.deepEqual(resumed.texts(ch), ["c2", "c3"]);
        assert.deepEqual(resumed.texts(quiet), ["q1"]);
        await sleep(200);
        assert.equal(resumed.texts().length, 3);
        resumed.close();
      });
  },
  { env: { REALTIME_EMIT_TOKEN: TOKEN } },
);

describe("an instance without REALTIME_EMIT_TOKEN, with the limits on [memory]", () => {
  let app: AppInstance;
  before(async () => {
    app = await startApp({
      env: { REALTIME_EMIT_TOKEN: "", RATE_LIMIT_EXEMPT: "", LIMIT_SSE_STREAMS_PER_ADDRESS: "2" },
    });
  });
  after(async () => {
    await app.kill();
  });

  it("emit answers 404, whatever the token", async () => {
    for (const authorization of [`Bearer ${TOKEN}`, ""]) {
      const res = await emit(app.url, "news", "x", { authorization });
      assert.equal(res.status, 404);
    }
  });

  it("holds one sseStreams slot per stream, given back when the stream ends", async () => {
    const url = stream(app.url, "channels=news,jobs");
    const open = [await SseReader.open(url), await SseReader.open(url)];
    const refused = await getJson(url);
    assert.equal(refused.status, 429);
    assert.equal(refused.body.error.code, "rate_limited");
    open[0]!.close();
    await eventually(
      async () => {
        const res = await fetch(url);
        await res.body?.cancel();
        return res.status === 200;
      },
      5000,
      "a slot given back",
    );
    open[1]!.close();
  });
});

describe("Chromium's EventSource resumes every channel through a cut connection [memory]", () => {
  let app: AppInstance;
  let browser: PlaywrightBrowser | undefined;
  let proxy: Server;
  const sockets = new Set<Socket>();

  before(async () => {
    browser = await launchBrowser();
    app = await startApp({ env: { REALTIME_EMIT_TOKEN: TOKEN } });
    // A proxy whose connections the test can cut, as a network drop would.
    proxy = createServer((client) => {
      const upstream = connect(app.port, "127.0.0.1");
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on("close", () => sockets.delete(s));
        s.on("error", () => {});
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  });
  after(async () => {
    await browser?.close();
    for (const s of sockets) s.destroy();
    proxy.close();
    await app.kill();
  });

  it("gets what was emitted while it was away, once", async (ctx) => {
    if (!browser) return ctx.skip("Chromium not installed");
    const base = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    const a = name("browser-a");
    const b = name("browser-b");
    const page = await browser.newPage();
    await page.goto(`${base}/api/realtime/schema`);
    await page.evaluate(
      ([url, event, first]) => {
        const w = window as unknown as { got: string[]; opens: number };
        w.got = [];
        w.opens = 0;
        const source = new EventSource(url!);
        source.onopen = () => w.opens++;
        source.addEventListener(event!, (e) => {
          const { channel, data } = JSON.parse((e as MessageEvent<string>).data) as Event;
          w.got.push(`${channel === first ? "a" : "b"}:${data.text}`);
        });
      },
      [`/api/realtime?channels=${a},${b}`, EVENT, a],
    );
    const got = () => page.evaluate(() => (window as unknown as { got: string[] }).got);
    await eventually(async () => (await page.evaluate(() => (window as unknown as { opens: number }).opens)) === 1);
    await emitOk(app.url, a, "1");
    await eventually(async () => (await got()).length === 1, 5000, "the live event");
    for (const s of sockets) s.destroy();
    await emitOk(app.url, a, "2");
    await emitOk(app.url, b, "1");
    await emitOk(app.url, a, "3");
    // EventSource reconnects after the stream's `retry: 3000`.
    await eventually(async () => (await got()).length >= 4, 10_000, "the missed events");
    await sleep(300);
    assert.deepEqual(await got(), ["a:1", "a:2", "a:3", "b:1"]);
    await page.close();
  });
});
