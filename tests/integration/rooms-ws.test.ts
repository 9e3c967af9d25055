import assert from "node:assert/strict";
import { it } from "node:test";
import { allRoomKeys } from "../../lib/redis/keys";
import { Browser } from "../helpers/http";
import { createRoom, seatedBrowser } from "../helpers/rooms";
import { forEachTopology } from "../helpers/topology";
import { eventually } from "../helpers/wait";
import { TestClient } from "../helpers/ws-client";

forEachTopology("Private rooms over WebSocket and SSE", (t) => {
  async function roomWithTwo(body: object = {}) {
    const a = new Browser(t.http(0));
    const room = await createRoom(a, body);
    return { room, a, b: await seatedBrowser(t.http(1), room.roomId) };
  }
  /** How many of the room's keys Redis still holds. */
  async function keysLeft(roomId: string): Promise<number> {
    const redis = t.connectRedis()!;
    try {
      return await redis.exists(...allRoomKeys(roomId));
    } finally {
      redis.disconnect();
    }
  }
  const join = (url: string, browser: Browser, roomId: string, clientId: string) =>
    TestClient.join(url, { room: roomId, clientId }, { cookie: browser.cookieHeader() });

  it("seat holders join with expiresAt and capacity and chat across instances", async () => {
    const { room, a, b } = await roomWithTwo({ capacity: 3 });
    const ca = await join(t.ws(0), a, room.roomId, "pa");
    const cb = await join(t.ws(1), b, room.roomId, "pb");
    const joined = ca.frames.find((f) => f.type === "joined");
    assert.ok(joined?.type === "joined");
    assert.equal(joined.expiresAt, room.expiresAt);
    assert.equal(joined.capacity, 3);
    ca.send({ type: "message", text: "private hello", nonce: "p1" });
    const ack = await ca.next("ack");
    await cb.waitFor((f) => f.type === "message" && f.message.id === ack.id);
    await Promise.all([ca.close(), cb.close()]);
  });

  it("without a seat cookie: unauthorized and 4001; unknown room: room_not_found and 4004", async () => {
    const { room } = await roomWithTwo();
    const stranger = await TestClient.connect(t.ws(1));
    stranger.send({ type: "join", room: room.roomId, clientId: "stranger", name: "S" });
    assert.equal((await stranger.next("error")).code, "unauthorized");
    assert.equal((await stranger.closed).code, 4001);
    const forged = await TestClient.connect(t.ws(0), {
      cookie: `flare_seat_${room.roomId}=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`,
    });
    forged.send({ type: "join", room: room.roomId, clientId: "forger", name: "F" });
    assert.equal((await forged.next("error")).code, "unauthorized");
    assert.equal((await forged.closed).code, 4001);
    const lost = await TestClient.connect(t.ws(0));
    lost.send({ type: "join", room: "ZZZZZZZZZZZZZZZZZZZZZ", clientId: "lost", name: "L" });
    assert.equal((await lost.next("error")).code, "room_not_found");
    assert.equal((await lost.closed).code, 4004);
  });

  it("a 10 s room ends on every instance with destroyed/expired and 4010, and its keys are gone", async () => {
    const { room, a, b } = await roomWithTwo({ ttlSeconds: 10 });
    const ca = await join(t.ws(0), a, room.roomId, "ea");
    const cb = await join(t.ws(1), b, room.roomId, "eb");
    ca.send({ type: "message", text: "before the end", nonce: "e1" });
    await ca.next("ack");
    for (const c of [ca, cb]) {
      const d = await c.next("destroyed", 15_000);
      assert.deepEqual(d, { type: "destroyed", room: room.roomId, reason: "expired" });
      assert.ok(
        Date.now() - room.expiresAt < 2000,
        `destroyed within 2 s of expiry (${Date.now() - room.expiresAt} ms)`,
      );
      assert.equal((await c.closed).code, 4010);
    }
    assert.equal((await a.get(`/api/rooms/${room.roomId}`)).status, 404);
    if (t.redis || t.cluster) {
      // The keys expire with the room, on Redis's clock rather than the instances'.
      await eventually(async () => (await keysLeft(room.roomId)) === 0, 2000, "the room's keys to go");
      assert.equal(await keysLeft(room.roomId), 0);
    }
  });

  it("Destroy now reaches every instance within 2 s as destroyed/destroyed, and rejoining finds it gone", async () => {
    const { room, a, b } = await roomWithTwo();
    const ca = await join(t.ws(0), a, room.roomId, "da");
    const cb = await join(t.ws(1), b, room.roomId, "db");
    const started = Date.now();
    assert.equal((await b.delete(`/api/rooms/${room.roomId}`, t.http(1))).status, 204);
    for (const c of [ca, cb]) {
      assert.deepEqual(await c.next("destroyed", 3000), { type: "destroyed", room: room.roomId, reason: "destroyed" });
      assert.equal((await c.closed).code, 4010);
    }
    assert.ok(Date.now() - started < 2000);
    if (t.redis || t.cluster) assert.equal(await keysLeft(room.roomId), 0);
    const again = await TestClient.connect(t.ws(0), { cookie: a.cookieHeader() });
    again.send({ type: "join", room: room.roomId, clientId: "da", name: "D" });
    assert.equal((await again.next("error")).code, "room_not_found");
  });

  it("SSE follows a room with id: lines and resumes after Last-Event-ID", async () => {
    const { room, a } = await roomWithTwo();
    const path = `/api/rooms/${room.roomId}/messages`;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await a.post(path, { name: "Bot", text: `s${i}` })).body.message.id);
    const ctrl = new AbortController();
    const res = await fetch(`${t.http(1)}/api/rooms/${room.roomId}/events`, {
      headers: { cookie: a.cookieHeader(), "last-event-id": ids[0]! },
      signal: ctrl.signal,
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type")!, /text\/event-stream/);
    const reader = res.body!.getReader();
    let text = "";
    const readUntil = async (needle: string) => {
      const deadline = Date.now() + 5000;
      while (!text.includes(needle)) {
        if (Date.now() > deadline) throw new Error(`SSE never said ${needle}; got:\n${text}`);
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
    };
    await readUntil(`id: ${ids[2]}`);
    assert.ok(!text.includes(`id: ${ids[0]}\n`), "resumed after Last-Event-ID");
    assert.ok(text.includes(`id: ${ids[1]}\nevent: message\ndata: `));
    const live = (await a.post(path, { name: "Bot", text: "live one" }, t.http(0))).body.message.id;
    await readUntil(`id: ${live}`);
    await a.delete(`/api/rooms/${room.roomId}`);
    await readUntil("event: destroyed");
    ctrl.abort();
    const noSeat = await fetch(`${t.http(0)}/api/rooms/${room.roomId}/events`);
    assert.equal(noSeat.status, 404);
  });
});
