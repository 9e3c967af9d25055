import assert from "node:assert/strict";
import { it } from "node:test";
import { compareIds } from "../../lib/protocol";
import { eventually, sleep } from "../helpers/wait";
import { forEachTopology } from "../helpers/topology";
import { TestClient } from "../helpers/ws-client";

let seq = 0;
/** A clientId unique to this test run, so tests sharing the lobby do not see each other's people. */
const cid = (label: string) => `${label}-${process.pid}-${++seq}`;

forEachTopology("WebSocket contract (lobby)", (t) => {
  it("join answers joined, history, then presence including the joiner", async () => {
    const id = cid("alice");
    const c = await TestClient.connect(t.ws());
    c.send({ type: "join", room: "lobby", clientId: id, name: "  Alice\u0007 " });
    const joined = await c.next("joined");
    assert.equal(joined.room, "lobby");
    assert.equal(joined.clientId, id);
    assert.equal(joined.expiresAt, null);
    assert.equal(joined.capacity, null);
    assert.ok(joined.connectionId.length > 0);
    await c.next("history");
    const presence = await c.next("presence");
    assert.deepEqual(
      presence.users.find((u) => u.clientId === id),
      { clientId: id, name: "Alice" },
    );
    assert.equal(presence.count, presence.users.length);
    assert.deepEqual(
      c.frames.slice(0, 3).map((f) => f.type),
      ["joined", "history", "presence"],
    );
    // A later change to the set: once c has it, the refresh c's own join scheduled has run.
    const probeId = cid("probe");
    const probe = await TestClient.join(t.ws(), { clientId: probeId });
    await c.waitFor((f) => f.type === "presence" && f.users.some((u) => u.clientId === probeId));
    const sets = c.frames.filter((f) => f.type === "presence").map((f) => JSON.stringify(f));
    assert.ok(
      sets.every((s, i) => i === 0 || s !== sets[i - 1]),
      "an unchanged presence set is not sent again",
    );
    await Promise.all([c.close(), probe.close()]);
  });

  it("stores trimmed text, acks the nonce, and delivers to every connection in id order", async () => {
    const a = await TestClient.join(t.ws(0), { clientId: cid("a") });
    const b = await TestClient.join(t.ws(1), { clientId: cid("b") });
    a.send({ type: "message", text: "  hello there  ", nonce: "n-1" });
    const ack = await a.next("ack");
    assert.equal(ack.nonce, "n-1");
    assert.match(ack.id, /^\d+-\d+$/);
    for (const c of [a, b]) {
      const m = await c.waitFor((f) => f.type === "message" && f.message.id === ack.id);
      assert.equal(m.type === "message" && m.message.text, "hello there");
    }
    const msg = b.messages((m) => m.id === ack.id)[0]!;
    assert.equal(msg.nonce, "n-1");
    assert.equal(msg.room, "lobby");
    assert.ok(Math.abs(msg.ts - Date.now()) < 10_000);
    await Promise.all([a.close(), b.close()]);
  });

  it("a repeated nonce stores nothing new and is acked with the first id", async () => {
    const id = cid("dup");
    const a = await TestClient.join(t.ws(0), { clientId: id });
    a.send({ type: "message", text: "once", nonce: "same" });
    const first = await a.next("ack");
    a.send({ type: "message", text: "once", nonce: "same" });
    const second = await a.next("ack");
    assert.equal(second.id, first.id);
    // The same nonce from another connection of the same clientId is a repeat too.
    const a2 = await TestClient.join(t.ws(1), { clientId: id });
    a2.send({ type: "message", text: "once", nonce: "same" });
    assert.equal((await a2.next("ack")).id, first.id);
    // Messages arrive in id order: once a later one is here, a stored repeat would be too.
    a.send({ type: "message", text: "later", nonce: "later" });
    const later = await a.next("ack");
    await a.waitFor((f) => f.type === "message" && f.message.id === later.id);
    assert.equal(a.messages((m) => m.nonce === "same" && m.clientId === id).length, 1);
    await Promise.all([a.close(), a2.close()]);
  });

  it("relays typing to others, never to the typer's own clientId", async () => {
    const me = cid("typer");
    const a = await TestClient.join(t.ws(0), { clientId: me, name: "Typer" });
    const a2 = await TestClient.join(t.ws(1), { clientId: me, name: "Typer" });
    const b = await TestClient.join(t.ws(1), { clientId: cid("watcher") });
    a.send({ type: "typing" });
    const typing = await b.waitFor((f) => f.type === "typing" && f.clientId === me);
    assert.deepEqual(typing, { type: "typing", room: "lobby", clientId: me, name: "Typer" });
    // Every instance relays a typing to all its sockets at once, so by the time b has it, it was
    // written to a and a2 too if it was going to be; a pong on each comes after that.
    await Promise.all([a.sync(), a2.sync()]);
    assert.equal(
      a.frames.some((f) => f.type === "typing" && f.clientId === me),
      false,
    );
    assert.equal(
      a2.frames.some((f) => f.type === "typing" && f.clientId === me),
      false,
    );
    await Promise.all([a.close(), a2.close(), b.close()]);
  });

  it("answers ping with pong, joined or not", async () => {
    const c = await TestClient.connect(t.ws());
    c.send({ type: "ping" });
    await c.next("pong");
    await c.close();
  });

  it("bad frames get bad_frame and the connection stays open", async () => {
    const c = await TestClient.connect(t.ws());
    const bad: Array<string | Buffer> = [
      "not json",
      "[1,2]",
      "42",
      "null",
      JSON.stringify({ type: "dance" }),
      JSON.stringify({ nope: 1 }),
      JSON.stringify({ type: "join", room: "lobby", clientId: "has space", name: "x" }),
      JSON.stringify({ type: "join", room: "lobby", clientId: "x".repeat(65), name: "x" }),
      JSON.stringify({ type: "join", room: "lobby", clientId: "ok", name: "   " }),
      JSON.stringify({ type: "join", room: "lobby", clientId: "ok", name: "n".repeat(41) }),
      JSON.stringify({ type: "join", room: 7, clientId: "ok", name: "x" }),
      JSON.stringify({ type: "message", text: 5 }),
      JSON.stringify({ type: "message", text: "hi", nonce: "" }),
      JSON.stringify({ type: "message", text: "hi", nonce: "k".repeat(65) }),
    ];
    for (const frame of bad) c.sendRaw(frame);
    c.sendRaw(Buffer.from('{"type":"ping"}'), true);
    await eventually(() => c.errors().length === bad.length + 1, 5000, "one error per bad frame");
    for (const e of c.errors()) {
      assert.equal(e.code, "bad_frame");
      assert.ok(e.message.length > 0);
    }
    c.send({ type: "ping" });
    await c.next("pong");
    // Still usable: join works after all that.
    c.send({ type: "join", room: "lobby", clientId: cid("survivor"), name: "S" });
    await c.next("joined");
    await c.close();
  });

  it("message and typing before join get not_joined (with the nonce); a second join gets already_joined", async () => {
    const c = await TestClient.connect(t.ws());
    c.send({ type: "message", text: "too early", nonce: "early-1" });
    const e1 = await c.next("error");
    assert.equal(e1.code, "not_joined");
    assert.equal(e1.nonce, "early-1");
    c.send({ type: "typing" });
    assert.equal((await c.next("error")).code, "not_joined");
    c.send({ type: "join", room: "lobby", clientId: cid("j"), name: "J" });
    await c.next("history");
    c.send({ type: "join", room: "lobby", clientId: cid("j2"), name: "J2" });
    assert.equal((await c.next("error")).code, "already_joined");
    c.send({ type: "ping" });
    await c.next("pong");
    await c.close();
  });

  it("a join followed at once by a message is not refused", async () => {
    const c = await TestClient.connect(t.ws());
    c.send({ type: "join", room: "lobby", clientId: cid("quick"), name: "Q" });
    c.send({ type: "message", text: "right away", nonce: "q1" });
    assert.equal((await c.next("ack")).nonce, "q1");
    assert.equal(c.errors().length, 0);
    await c.close();
  });

  it("empty and too_long take precedence and carry the nonce; 1000 code points are fine", async () => {
    const c = await TestClient.join(t.ws(), { clientId: cid("len") });
    c.send({ type: "message", text: " \n\t ", nonce: "e1" });
    assert.deepEqual({ code: (await c.next("error")).code }, { code: "empty" });
    c.send({ type: "message", text: "x".repeat(1001), nonce: "t1" });
    const tooLong = await c.next("error");
    assert.equal(tooLong.code, "too_long");
    assert.equal(tooLong.nonce, "t1");
    // Precedence over other invalid fields of the same frame.
    c.send({ type: "message", text: "", nonce: 12 });
    assert.equal((await c.next("error")).code, "empty");
    const emoji = "😀".repeat(1000); // 2000 UTF-16 units, 1000 code points
    c.send({ type: "message", text: `  ${emoji}  `, nonce: "ok-emoji" });
    const ack = await c.next("ack");
    const stored = await c.waitFor((f) => f.type === "message" && f.message.id === ack.id);
    assert.equal(stored.type === "message" && stored.message.text, emoji);
    await c.close();
  });

  it("more than 10 messages/s sustained (burst 20) gets rate_limited; every message gets an answer", async () => {
    const c = await TestClient.join(t.ws(), { clientId: cid("flood") });
    const n = 40;
    for (let i = 0; i < n; i++) c.send({ type: "message", text: `m${i}`, nonce: `f${i}` });
    await eventually(
      () => c.frames.filter((f) => (f.type === "ack" || f.type === "error") && f.nonce?.startsWith("f")).length === n,
      10_000,
      "an ack or an error for every message",
    );
    const limited = c.errors().filter((e) => e.code === "rate_limited");
    const acked = c.frames.filter((f) => f.type === "ack");
    assert.ok(acked.length >= 20, `burst of 20 allowed, got ${acked.length}`);
    assert.ok(limited.length >= 10, `expected rate limiting, got ${limited.length}`);
    assert.ok(limited.every((e) => e.nonce?.startsWith("f")));
    c.send({ type: "ping" });
    await c.next("pong");
    await c.close();
  });

  it("a frame over 64 KiB closes the connection with 1009", async () => {
    const c = await TestClient.connect(t.ws());
    c.sendRaw(JSON.stringify({ type: "message", text: "x".repeat(70 * 1024) }));
    assert.equal((await c.closed).code, 1009);
  });

  it("an unknown room gets room_not_found and close 4004", async () => {
    const c = await TestClient.connect(t.ws());
    c.send({ type: "join", room: "no-such-room-aaaaaaaaaaaa", clientId: cid("lost"), name: "L" });
    assert.equal((await c.next("error")).code, "room_not_found");
    assert.equal((await c.closed).code, 4004);
  });

  it("history: since resumes exactly; an unknown since resets to the newest 50", async () => {
    const a = await TestClient.join(t.ws(0), { clientId: cid("hist") });
    const ids: string[] = [];
    for (let i = 0; i < 55; i++) {
      a.send({ type: "message", text: `h${i}`, nonce: `h${i}` });
      ids.push((await a.next("ack")).id);
      if (i >= 18) await sleep(105); // stay under the rate limit (burst 20, then 10/s)
    }
    const resumed = await TestClient.connect(t.ws(1));
    resumed.send({ type: "join", room: "lobby", clientId: cid("late"), name: "Late", since: ids[49] });
    const h = await resumed.next("history");
    assert.equal(h.reset, false);
    assert.deepEqual(
      h.messages.map((m) => m.id).filter((id) => ids.includes(id)),
      ids.slice(50),
    );
    const fresh = await TestClient.connect(t.ws(1));
    fresh.send({ type: "join", room: "lobby", clientId: cid("fresh"), name: "Fresh", since: "1-0" });
    const h2 = await fresh.next("history");
    assert.equal(h2.reset, true);
    assert.equal(h2.messages.length, 50);
    assert.equal(h2.messages.at(-1)!.id >= ids.at(-1)!, true);
    for (let i = 1; i < h2.messages.length; i++) assert.ok(compareIds(h2.messages[i - 1]!.id, h2.messages[i]!.id) < 0);
    await Promise.all([a.close(), resumed.close(), fresh.close()]);
  });

  it("joined/left system messages: first connection only, left after the last closes", async () => {
    const id = cid("sys");
    const watcher = await TestClient.join(t.ws(1), { clientId: cid("watch") });
    const tab1 = await TestClient.join(t.ws(0), { clientId: id, name: "Sys" });
    const joined = await watcher.waitFor(
      (f) => f.type === "message" && f.message.clientId === id && f.message.event === "joined",
    );
    assert.ok(joined.type === "message" && joined.message.system === true);
    const tab2 = await TestClient.join(t.ws(1), { clientId: id, name: "Sys" });
    await tab1.close();
    // Nothing is sent when one of two tabs closes: give the server a moment to handle it first.
    await sleep(300);
    await tab2.close();
    const started = Date.now();
    await watcher.waitFor((f) => f.type === "message" && f.message.clientId === id && f.message.event === "left", 6000);
    assert.ok(Date.now() - started <= 5500, "left within 5 s");
    const sys = watcher.messages((m) => m.clientId === id && m.system === true);
    assert.deepEqual(
      sys.map((m) => m.event),
      ["joined", "left"],
    );
    await watcher.close();
  });

  it("presence counts distinct clientIds and updates everyone on change", async () => {
    const watcher = await TestClient.join(t.ws(0), { clientId: cid("pw") });
    const id = cid("pp");
    const before = (await watcher.next("presence")).count;
    const x1 = await TestClient.join(t.ws(1), { clientId: id, name: "Twice" });
    const x2 = await TestClient.join(t.ws(0), { clientId: id, name: "Twice" });
    const p = await watcher.waitFor((f) => f.type === "presence" && f.users.some((u) => u.clientId === id), 3000);
    assert.ok(p.type === "presence" && p.count === before + 1);
    await Promise.all([x1.close(), x2.close()]);
    await watcher.waitFor(
      (f) => f.type === "presence" && !f.users.some((u) => u.clientId === id),
      3000,
      "presence without the leaver",
      watcher.frames.indexOf(p) + 1,
    );
    await watcher.close();
  });

  it("opens many sockets in a row (Next's upgrade listener must not eat the second one)", async () => {
    for (let i = 0; i < 25; i++) {
      const c = await TestClient.connect(t.ws(i));
      c.send({ type: "ping" });
      await c.next("pong", 3000);
      await c.close();
    }
  });
});
