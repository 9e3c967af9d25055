import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import WebSocket from "ws";
import type { SocketLike } from "../../lib/client/connection";
import { ChannelClient, type ChannelError } from "../../lib/client/realtime/channel-client";
import { SocketTransport } from "../../lib/client/realtime/socket-transport";
import type { ChannelEvent } from "../../lib/protocol";
import { ROOT, startApp, type AppInstance } from "../helpers/app-server";
import { startRedis, type RedisServer } from "../helpers/redis-server";
import { inCI, skipUnless } from "../helpers/skip";
import { eventually } from "../helpers/wait";
import { EMIT_TOKEN, emit } from "../helpers/realtime-emit";

/**
 * The ChannelClient against real instances (the production build): `ws` sockets, events emitted
 * through `POST /api/realtime/emit`, an instance killed and started again on the same port.
 */

/** `npm test -- tests/unit` skips the build these need: say so loudly (CI always builds). */
function skipUnlessBuilt(): string | false {
  if (inCI || existsSync(path.join(ROOT, ".next", "flare-server.mjs"))) return false;
  const msg = "no production build: run `npm run build` for the ChannelClient's real-server tests";
  console.warn(`\n!!!!! SKIPPING: ${msg} !!!!!\n`);
  return msg;
}

type Client = { client: ChannelClient; sockets: () => number };

function makeClient(app: AppInstance): Client {
  let sockets = 0;
  const client = new ChannelClient(
    new SocketTransport({
      url: app.wsUrl,
      createSocket: (url) => {
        sockets++;
        return new WebSocket(url) as unknown as SocketLike;
      },
      random: () => 0,
      watchNetwork: false,
    }),
  );
  return { client, sockets: () => sockets };
}

function follow(client: ChannelClient, channel: string, opts: { history?: number; events?: string[] } = {}) {
  const got: ChannelEvent[] = [];
  const errors: ChannelError[] = [];
  const stop = client.subscribe({ channel, ...opts, onEvent: (e) => got.push(e), onError: (e) => errors.push(e) });
  return { got, errors, stop, texts: () => got.map((e) => (e.data as { text: string }).text) };
}

const post = (app: AppInstance, channel: string, text: string, event = "announcement.posted") =>
  emit(app.url, { channel, event, data: { text } });

describe("ChannelClient against one instance", { skip: skipUnlessBuilt() }, () => {
  let app: AppInstance;
  before(async () => {
    app = await startApp({ env: { REALTIME_EMIT_TOKEN: EMIT_TOKEN } });
  });
  after(async () => {
    await app.stop();
  });

  it("replays the newest `history` events, then delivers live ones in order", async () => {
    for (const t of ["one", "two", "three", "four"]) await post(app, "news-1", t);
    const { client } = makeClient(app);
    const news = follow(client, "news-1", { history: 3 });
    await eventually(() => news.got.length === 3, 5000, "the backlog");
    assert.deepEqual(news.texts(), ["two", "three", "four"]);
    assert.equal(client.status, "connected");
    await post(app, "news-1", "five");
    await post(app, "news-1", "six");
    await eventually(() => news.got.length === 5, 5000, "live events");
    assert.deepEqual(news.texts(), ["two", "three", "four", "five", "six"]);
    news.stop();
    await eventually(() => client.status === "disconnected", 5000, "the socket to close");
  });

  it("adds and drops channels on the open socket: one socket, nothing after the unsubscribe", async () => {
    const { client, sockets } = makeClient(app);
    const a = follow(client, "add-a");
    await eventually(() => client.status === "connected", 5000, "connected");
    await post(app, "add-a", "a1");
    await eventually(() => a.got.length === 1, 5000, "a1");

    const b = follow(client, "add-b");
    await eventually(
      async () => {
        await post(app, "add-b", "probe");
        return b.got.length > 0;
      },
      5000,
      "the new channel to deliver",
    );
    a.stop();
    await new Promise((r) => setTimeout(r, 300));
    await post(app, "add-a", "a2");
    await post(app, "add-b", "b-after");
    await eventually(() => b.texts().includes("b-after"), 5000, "b-after");
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(a.texts(), ["a1"]);
    assert.equal(sockets(), 1, "no reconnect");
    b.stop();
  });

  it("filters by event name", async () => {
    const { client } = makeClient(app);
    const only = follow(client, "filter-1", { events: ["announcement.posted"], history: 10 });
    await eventually(() => client.status === "connected", 5000, "connected");
    await post(app, "filter-1", "kept");
    await eventually(() => only.got.length === 1, 5000, "the event");
    assert.deepEqual(
      only.got.map((e) => e.event),
      ["announcement.posted"],
    );
    only.stop();
  });

  it("reports a channel the middleware refuses, in words, and keeps the others", async () => {
    const { client } = makeClient(app);
    const mine = follow(client, "user-someone-else");
    const news = follow(client, "news-2");
    await eventually(() => mine.errors.length === 1, 5000, "the refusal");
    assert.equal(mine.errors[0]?.code, "forbidden");
    assert.match(mine.errors[0]?.message ?? "", /\w/);
    await post(app, "news-2", "still here");
    await eventually(() => news.got.length === 1, 5000, "the other channel");
    mine.stop();
    news.stop();
  });

  it("reconnects after the instance restarts and goes on without repeating anything", async () => {
    const { client, sockets } = makeClient(app);
    const news = follow(client, "restart-1", { history: 10 });
    await eventually(() => client.status === "connected", 5000, "connected");
    await post(app, "restart-1", "before");
    await eventually(() => news.got.length === 1, 5000, "before");

    const port = app.port;
    await app.stop();
    await eventually(() => client.status === "reconnecting", 5000, "reconnecting");
    app = await startApp({ port, env: { REALTIME_EMIT_TOKEN: EMIT_TOKEN } });
    await eventually(() => client.status === "connected", 15_000, "connected again");
    await post(app, "restart-1", "after");
    await eventually(() => news.texts().includes("after"), 5000, "after");
    assert.deepEqual(news.texts(), ["before", "after"]);
    assert.ok(sockets() >= 2);
    news.stop();
  });
});

describe(
  "ChannelClient across a kill [redis]",
  { skip: skipUnlessBuilt() || skipUnless("redis-server", "Redis") },
  () => {
    let redis: RedisServer | undefined;
    let a: AppInstance;
    let b: AppInstance;
    before(async () => {
      redis = await startRedis();
      const env = { REDIS_URL: redis!.url, REALTIME_EMIT_TOKEN: EMIT_TOKEN };
      [a, b] = await Promise.all([startApp({ env }), startApp({ env })]);
    });
    after(async () => {
      await Promise.all([a.stop(), b.stop()]);
      await redis?.stop();
    });

    it("resumes from its newest id: events emitted while its instance was down arrive once, in order", async () => {
      const { client } = makeClient(a);
      const news = follow(client, "kill-1");
      await eventually(() => client.status === "connected", 5000, "connected");
      for (const t of ["e1", "e2"]) await post(b, "kill-1", t);
      await eventually(() => news.got.length === 2, 5000, "e1, e2 from the other instance");

      const port = a.port;
      await a.kill();
      await eventually(() => client.status === "reconnecting", 5000, "reconnecting");
      for (const t of ["e3", "e4", "e5"]) await post(b, "kill-1", t);
      a = await startApp({ port, env: { REDIS_URL: redis!.url, REALTIME_EMIT_TOKEN: EMIT_TOKEN } });
      await eventually(() => news.got.length >= 5, 15_000, "the missed events");
      await post(b, "kill-1", "e6");
      await eventually(() => news.got.length >= 6, 5000, "e6");
      await new Promise((r) => setTimeout(r, 300));
      assert.deepEqual(news.texts(), ["e1", "e2", "e3", "e4", "e5", "e6"]);
      news.stop();
    });
  },
);
