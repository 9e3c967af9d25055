import assert from "node:assert/strict";
import { it } from "node:test";
import { Browser } from "../helpers/http";
import { createRoom, seatedBrowser } from "../helpers/rooms";
import { eventually, sleep } from "../helpers/wait";
import { forEachTopology } from "../helpers/topology";
import { TestClient } from "../helpers/ws-client";

const PRESENCE_TTL_MS = 3000;

forEachTopology(
  "Scale-out through Redis",
  (t) => {
    it("clients on 3 instances see identical id sequences for 2 senders x 50 interleaved messages", async () => {
      const room = (await createRoom(new Browser(t.http(0)), { capacity: 10 })).roomId;
      const browsers = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => seatedBrowser(t.http(i), room)));
      const clients = await Promise.all(
        browsers.map((b, i) => TestClient.join(t.ws(i), { room, clientId: `seq-${i}` }, { cookie: b.cookieHeader() })),
      );
      const [s1, s2] = [clients[0]!, clients[1]!];
      for (let i = 0; i < 50; i++) {
        s1.send({ type: "message", text: `a${i}`, nonce: `a${i}` });
        s2.send({ type: "message", text: `b${i}`, nonce: `b${i}` });
        if (i % 8 === 7) await sleep(1000); // under the rate limit
      }
      const mine = (c: TestClient) => c.messages((m) => !m.system).map((m) => m.id);
      await eventually(() => clients.every((c) => mine(c).length === 100), 20_000, "100 messages everywhere");
      const reference = mine(clients[0]!);
      for (const c of clients) assert.deepEqual(mine(c), reference);
      const sorted = [...reference].sort((x, y) =>
        (x.split("-").map(Number) as [number, number]).reduce((acc, v, k) => acc || v - Number(y.split("-")[k]), 0),
      );
      assert.deepEqual(reference, sorted, "strictly increasing");
      await Promise.all(clients.map((c) => c.close()));
    });

    it("a room joined for the first time on an instance whose reader is blocked gets the next message promptly (20x)", async () => {
      const keepReaderBusy = await TestClient.join(t.ws(1), { clientId: "idle-watcher" });
      for (let i = 0; i < 20; i++) {
        const a = new Browser(t.http(0));
        const room = (await createRoom(a)).roomId;
        const b = await seatedBrowser(t.http(1), room);
        const ca = await TestClient.join(t.ws(0), { room, clientId: `fa${i}` }, { cookie: a.cookieHeader() });
        const cb = await TestClient.join(t.ws(1), { room, clientId: `fb${i}` }, { cookie: b.cookieHeader() });
        const sent = Date.now();
        ca.send({ type: "message", text: "ping", nonce: "x" });
        const ack = await ca.next("ack");
        await cb.waitFor(
          (f) => f.type === "message" && f.message.id === ack.id,
          1500,
          "the message on the other instance",
        );
        assert.ok(Date.now() - sent < 1500);
        await Promise.all([ca.close(), cb.close()]);
      }
      await keepReaderBusy.close();
    });

    it("a client that reconnects to the other instance with since gets exactly what it missed", async () => {
      const sender = await TestClient.join(t.ws(0), { clientId: "resume-sender" });
      const reader = await TestClient.join(t.ws(0), { clientId: "resume-reader" });
      sender.send({ type: "message", text: "seen", nonce: "r0" });
      const seen = (await sender.next("ack")).id;
      await reader.waitFor((f) => f.type === "message" && f.message.id === seen);
      await reader.close();
      const missed: string[] = [];
      for (let i = 1; i <= 5; i++) {
        sender.send({ type: "message", text: `missed ${i}`, nonce: `r${i}` });
        missed.push((await sender.next("ack")).id);
      }
      const { client: back, history: h } = await TestClient.joinWithHistory(t.ws(1), {
        clientId: "resume-reader",
        name: "R",
        since: seen,
      });
      assert.equal(h.reset, false);
      assert.deepEqual(
        h.messages.filter((m) => m.clientId === "resume-sender").map((m) => m.id),
        missed,
      );
      await Promise.all([sender.close(), back.close()]);
    });

    it("SIGTERM: sockets close with 1001 and their clients resume on another instance without loss", async () => {
      const doomed = await t.addInstance();
      const sender = await TestClient.join(doomed.wsUrl, { clientId: "term-sender" });
      const watcher = await TestClient.join(t.ws(0), { clientId: "term-watch" });
      const acked: string[] = [];
      for (let i = 0; i < 10; i++) {
        sender.send({ type: "message", text: `before term ${i}`, nonce: `t${i}` });
      }
      const stopping = doomed.stop("SIGTERM");
      for (const f of await Promise.all([sender.closed])) assert.equal(f.code, 1001);
      assert.equal(await stopping, 0);
      for (const f of sender.frames) if (f.type === "ack") acked.push(f.id);
      const resumed = await TestClient.join(t.ws(1), { clientId: "term-sender", name: "T", since: acked[0] ?? "1-0" });
      // Resend what was not acknowledged, with the same nonces: nothing lost, nothing doubled.
      const unacked = Array.from({ length: 10 }, (_, i) => `t${i}`).filter(
        (n) => !sender.frames.some((f) => f.type === "ack" && f.nonce === n),
      );
      for (const n of unacked) resumed.send({ type: "message", text: `before term ${n.slice(1)}`, nonce: n });
      for (let i = 0; i < unacked.length; i++) await resumed.next("ack");
      await eventually(
        () => watcher.messages((m) => m.clientId === "term-sender" && !m.system).length >= 10,
        5000,
        "all 10 at the watcher",
      );
      const texts = watcher.messages((m) => m.clientId === "term-sender" && !m.system).map((m) => m.text);
      assert.deepEqual([...new Set(texts)].length, 10);
      assert.equal(texts.length, 10, "no doubles");
      t.instances.splice(t.instances.indexOf(doomed), 1);
      await Promise.all([resumed.close(), watcher.close()]);
    });

    it("kill -9 of an instance: its users leave presence on the others within the presence TTL", async () => {
      const victim = await t.addInstance();
      const watcher = await TestClient.join(t.ws(0), { clientId: "crash-watch" });
      const ghost = await TestClient.join(victim.wsUrl, { clientId: "crash-ghost", name: "Ghost" });
      await watcher.waitFor((f) => f.type === "presence" && f.users.some((u) => u.clientId === "crash-ghost"), 3000);
      const from = watcher.frames.length;
      await victim.kill();
      t.instances.splice(t.instances.indexOf(victim), 1);
      const started = Date.now();
      await watcher.waitFor(
        (f) => f.type === "presence" && !f.users.some((u) => u.clientId === "crash-ghost"),
        PRESENCE_TTL_MS * 3,
        "the crashed instance's user to leave presence",
        from,
      );
      assert.ok(Date.now() - started < PRESENCE_TTL_MS * 2 + 1000, `left after ${Date.now() - started} ms`);
      await watcher.waitFor(
        (f) => f.type === "message" && f.message.clientId === "crash-ghost" && f.message.event === "left",
        6000,
      );
      ghost.terminate();
      await watcher.close();
    });

    it("kill -9 of redis under load, restarted empty: every message gets ack or unavailable, chat and health recover", async () => {
      const a = await TestClient.join(t.ws(0), { clientId: "fault-a" });
      const b = await TestClient.join(t.ws(1), { clientId: "fault-b" });
      // The join's own history (no since) has reset:true too; only what comes after counts.
      const bJoined = b.frames.length;
      const nonces: string[] = [];
      let n = 0;
      const load = setInterval(() => {
        if (a.ws.readyState !== a.ws.OPEN) return;
        const nonce = `load-${n++}`;
        nonces.push(nonce);
        a.send({ type: "message", text: nonce, nonce });
      }, 150);
      await eventually(() => a.frames.filter((f) => f.type === "ack").length >= 3, 5000, "the load to flow");
      await t.redis!.kill9();
      await eventually(
        () => a.errors().some((e) => e.code === "unavailable"),
        10_000,
        "a message refused while Redis is down",
      );
      const down = await eventually(
        async () => {
          const res = await fetch(`${t.http(0)}/api/health`);
          return res.status === 503 && res;
        },
        5000,
        "health to notice Redis is down",
      );
      assert.equal(down.status, 503);
      assert.deepEqual(await down.json().then((j: any) => [j.status, j.redis]), ["degraded", "down"]);
      await t.redis!.restart();
      // The load keeps going until the instance it writes to is back on Redis.
      await eventually(
        async () => (await fetch(`${t.http(0)}/api/health`)).status === 200,
        10_000,
        "instance 0 back on Redis",
      );
      clearInterval(load);
      const answered = (nonce: string) =>
        a.frames.some(
          (f) =>
            (f.type === "ack" && f.nonce === nonce) ||
            (f.type === "error" && f.nonce === nonce && f.code === "unavailable"),
        );
      await eventually(() => nonces.every(answered), 5000, "an ack or unavailable for every message");
      assert.ok(
        a.errors().some((e) => e.code === "unavailable"),
        "some messages were refused while Redis was down",
      );
      // Chat works again within 10 s (clients may have been asked to reconnect).
      await eventually(
        async () => {
          const x = await TestClient.join(t.ws(0), { clientId: "after-a" });
          const y = await TestClient.join(t.ws(1), { clientId: "after-b" });
          x.send({ type: "message", text: "back", nonce: "back" });
          const ack = await x.next("ack", 2000);
          await y.waitFor((f) => f.type === "message" && f.message.id === ack.id, 2000);
          await Promise.all([x.close(), y.close()]);
          return true;
        },
        10_000,
        "chat across instances after the restart",
      );
      await eventually(
        async () => (await fetch(`${t.http(1)}/api/health`)).status === 200,
        10_000,
        "health back to 200",
      );
      // Clients still connected were told to start over: a history with reset:true.
      await b.waitFor((f) => f.type === "history" && f.reset, 10_000, "a history with reset:true", bJoined);
      await Promise.all([a.close(), b.close()]);
    });
  },
  {
    specs: [
      { name: "redis, 3 instances", redis: "single", instances: 3, env: { PRESENCE_TTL_MS: String(PRESENCE_TTL_MS) } },
    ],
  },
);
