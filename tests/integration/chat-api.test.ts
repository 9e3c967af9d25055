import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startApp, type AppInstance } from "../helpers/app-server";
import { Browser } from "../helpers/http";
import { startRedis, type RedisServer } from "../helpers/redis-server";
import { createRoom } from "../helpers/rooms";
import { skipUnless } from "../helpers/skip";
import { collect, eventually, within } from "../helpers/wait";
import { TestClient } from "../helpers/ws-client";

/**
 * The typed server API, called from "server code" in this test process, which is itself a Flare
 * instance on the same Redis as a separately running app instance.
 */
describe(
  "chat.room() from server code on another instance [redis]",
  { skip: skipUnless("redis-server", "Redis") },
  () => {
    let redis: RedisServer | undefined;
    let app: AppInstance;
    let chat: typeof import("../../lib/chat").chat;

    before(async () => {
      redis = await startRedis();
      app = await startApp({ env: { REDIS_URL: redis!.url } });
      process.env.REDIS_URL = redis!.url;
      process.env.INSTANCE_ID = "test-process";
      ({ chat } = await import("../../lib/chat"));
    });
    after(async () => {
      const { shutdownInstance } = await import("../../lib/instance");
      await shutdownInstance(1000);
      await app.kill();
      await redis?.stop();
    });

    it("emit reaches WebSocket clients on the other instance, in the room's order", async () => {
      const client = await TestClient.join(app.wsUrl, { clientId: "listener" });
      const message = await chat.room("lobby").emit("message", { name: " Deploy bot ", text: " v2 is live " });
      assert.equal(message.text, "v2 is live");
      assert.equal(message.name, "Deploy bot");
      assert.equal(message.clientId, "server");
      const live = await client.waitFor((f) => f.type === "message" && f.message.id === message.id, 3000);
      assert.ok(live.type === "message" && live.message.text === "v2 is live");
      await client.close();
    });

    it("emit validates with the shared schema and refuses unknown rooms", async () => {
      await assert.rejects(chat.room("lobby").emit("message", { name: "x", text: "  " }), { code: "empty" });
      await assert.rejects(chat.room("lobby").emit("message", { name: "x", text: "y".repeat(1001) }), {
        code: "too_long",
      });
      await assert.rejects(chat.room("lobby").emit("message", { name: "", text: "hi" }), {
        code: "bad_request",
      });
      await assert.rejects(chat.room("ZZZZZZZZZZZZZZZZZZZZZ").emit("message", { name: "x", text: "hi" }), {
        code: "room_not_found",
      });
    });

    it("history pages by limit, start and end", async () => {
      const room = (await createRoom(new Browser(app.url))).roomId;
      const ch = chat.room(room);
      const ids: string[] = [];
      for (let i = 0; i < 7; i++) ids.push((await ch.emit("message", { name: "Pager", text: `p${i}` })).id);
      assert.deepEqual(
        (await ch.history({ limit: 3 })).map((m) => m.id),
        ids.slice(4),
      );
      assert.deepEqual(
        (await ch.history({ start: ids[0], limit: 3 })).map((m) => m.id),
        ids.slice(0, 3),
      );
      assert.deepEqual(
        (await ch.history({ start: ids[3], limit: 3 })).map((m) => m.id),
        ids.slice(3, 6),
      );
      assert.deepEqual(
        (await ch.history({ end: ids[2], limit: 10 })).map((m) => m.id),
        ids.slice(0, 3),
      );
      await assert.rejects(ch.history({ limit: 0 }), { code: "bad_request" });
    });

    it("subscribe yields history, then live events from other instances, and ends on abort", async () => {
      const browser = new Browser(app.url);
      const room = (await createRoom(browser, { capacity: 3 })).roomId;
      const first = await chat.room(room).emit("message", { name: "Bot", text: "before subscribing" });
      const ctrl = new AbortController();
      const { items: got, done } = collect(await chat.room(room).subscribe({ history: true, signal: ctrl.signal }));
      // A subscriber that stays: what reaches it after the abort would have reached the first one too.
      const stays = new AbortController();
      const witness = collect(await chat.room(room).subscribe({ signal: stays.signal }));
      const person = await TestClient.join(app.wsUrl, { room, clientId: "person" }, { cookie: browser.cookieHeader() });
      person.send({ type: "message", text: "from a socket on the app instance", nonce: "s1" });
      const ack = await person.next("ack");
      await eventually(
        () => got.some((e) => e.type === "message" && e.message.id === ack.id),
        3000,
        "the live message",
      );
      await eventually(
        () => got.some((e) => e.type === "presence" && e.users.some((u) => u.clientId === "person")),
        3000,
        "presence",
      );
      const messages = got.filter((e) => e.type === "message").map((e) => (e.type === "message" ? e.message.id : ""));
      assert.equal(messages[0], first.id, "history first");
      assert.ok(messages.indexOf(ack.id) > 0);
      ctrl.abort();
      await within(done, 2000, "the iterator to end on abort");
      const after = got.length;
      person.send({ type: "message", text: "after abort", nonce: "s2" });
      const late = await person.next("ack");
      await eventually(
        () => witness.items.some((e) => e.type === "message" && e.message.id === late.id),
        3000,
        "the message after the abort at the subscriber that stays",
      );
      assert.equal(got.length, after, "nothing after abort");
      stays.abort();
      await within(witness.done, 2000, "the second iterator to end on abort");
      await person.close();
    });

    it("a subscriber sees the room end on another instance's destroy", async () => {
      const browser = new Browser(app.url);
      const room = (await createRoom(browser)).roomId;
      const { items: got, done } = collect(await chat.room(room).subscribe());
      assert.equal((await browser.delete(`/api/rooms/${room}`)).status, 204);
      await within(done, 3000, "the end after destroy");
      assert.deepEqual(got.at(-1), { type: "destroyed", room, reason: "destroyed" });
    });
  },
);
