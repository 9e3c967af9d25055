import assert from "node:assert/strict";
import { it } from "node:test";
import { Browser } from "../helpers/http";
import { createRoom } from "../helpers/rooms";
import { forEachTopology } from "../helpers/topology";

forEachTopology("Rooms HTTP API", (t) => {
  it("POST /api/rooms creates a room with defaults and seats the creator with a proper cookie", async () => {
    const a = new Browser(t.http(0));
    const before = Date.now();
    const room = await createRoom(a);
    assert.match(room.roomId, /^[A-Za-z0-9_-]{21,}$/);
    assert.equal(room.capacity, 2);
    assert.ok(Math.abs(room.expiresAt - (before + 600_000)) < 5000);
    const cookie = a.setCookies.at(-1)!;
    assert.match(cookie, new RegExp(`^flare_seat_${room.roomId}=[A-Za-z0-9_-]{22,}`));
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Lax/);
    assert.match(cookie, /Path=\//);
    assert.doesNotMatch(cookie, /Secure/);
    const maxAge = Number(/Max-Age=(\d+)/.exec(cookie)![1]);
    assert.ok(maxAge <= 600 && maxAge >= 590, `Max-Age ${maxAge}`);
    const token = /=([^;]+)/.exec(cookie)![1]!;
    assert.ok(Buffer.from(token, "base64url").length >= 16, "token of at least 128 bits");
  });

  it("sets Secure behind HTTPS (x-forwarded-proto)", async () => {
    const res = await fetch(`${t.http(0)}/api/rooms`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-proto": "https" },
    });
    assert.equal(res.status, 201);
    assert.match(res.headers.getSetCookie()[0]!, /; Secure/);
  });

  it("refuses out-of-range or malformed bodies with 400 bad_request, and large ones with 413", async () => {
    const a = new Browser(t.http(0));
    for (const body of [
      { ttlSeconds: 9 },
      { ttlSeconds: 86_401 },
      { capacity: 1 },
      { capacity: 51 },
      { capacity: 2.5 },
      { ttlSeconds: "60" },
      "{nope",
      "[]",
    ]) {
      const res = await a.post("/api/rooms", body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error.code, "bad_request");
      assert.ok(res.body.error.message.length > 0);
    }
    const huge = await a.post("/api/rooms", { pad: "x".repeat(20_000) });
    assert.equal(huge.status, 413);
    assert.equal(huge.body.error.code, "too_large");
    const edge = await createRoom(a, { ttlSeconds: 10, capacity: 50 });
    assert.equal(edge.capacity, 50);
  });

  it("join: idempotent for a seat holder, 409 when full, 404 for an unknown room", async () => {
    const a = new Browser(t.http(0));
    const room = await createRoom(a);
    const again = await a.post(`/api/rooms/${room.roomId}/join`);
    assert.equal(again.status, 200);
    assert.equal(again.body.members, 1);
    const b = new Browser(t.http(1));
    const joined = await b.post(`/api/rooms/${room.roomId}/join`);
    assert.deepEqual(joined.body, { roomId: room.roomId, expiresAt: room.expiresAt, capacity: 2, members: 2 });
    assert.match(b.setCookies.at(-1)!, /HttpOnly/);
    const c = new Browser(t.http(0));
    const full = await c.post(`/api/rooms/${room.roomId}/join`);
    assert.equal(full.status, 409);
    assert.equal(full.body.error.code, "room_full");
    assert.equal(
      (await b.post(`/api/rooms/${room.roomId}/join`)).status,
      200,
      "a seated browser may rejoin a full room",
    );
    const missing = await c.post("/api/rooms/ZZZZZZZZZZZZZZZZZZZZZ/join");
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, "room_not_found");
  });

  it("50 concurrent joins from 50 browsers over the instances seat exactly the free seats", async () => {
    const a = new Browser(t.http(0));
    const room = await createRoom(a, { capacity: 2 });
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => new Browser(t.http(i)).post(`/api/rooms/${room.roomId}/join`)),
    );
    assert.equal(results.filter((r) => r.status === 200).length, 1);
    assert.equal(results.filter((r) => r.status === 409).length, 49);
    assert.equal((await a.get(`/api/rooms/${room.roomId}`)).body.members, 2);
  });

  it("GET /api/rooms/:id tells expiry, ttl, capacity, members and who is online; 404 otherwise", async () => {
    const a = new Browser(t.http(0));
    const room = await createRoom(a, { ttlSeconds: 120, capacity: 3 });
    const info = await new Browser(t.http(1)).get(`/api/rooms/${room.roomId}`);
    assert.equal(info.status, 200);
    assert.deepEqual(Object.keys(info.body).sort(), ["capacity", "expiresAt", "members", "online", "roomId", "ttl"]);
    assert.ok(info.body.ttl <= 120 && info.body.ttl >= 115);
    assert.equal(info.body.members, 1);
    assert.equal(info.body.online, 0);
    assert.equal((await a.get("/api/rooms/ZZZZZZZZZZZZZZZZZZZZZ")).status, 404);
  });

  it("messages: seat holders post and list with limit/start/end; others get 401, unknown rooms 404", async () => {
    const a = new Browser(t.http(0));
    const room = await createRoom(a);
    const path = `/api/rooms/${room.roomId}/messages`;
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await a.post(path, { name: " Bot ", text: ` m${i} ` }, t.http(i));
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.equal(res.body.message.text, `m${i}`);
      assert.equal(res.body.message.name, "Bot");
      ids.push(res.body.message.id);
    }
    const all = await a.get(path);
    assert.deepEqual(
      all.body.messages.map((m: { id: string }) => m.id),
      ids,
    );
    assert.deepEqual(
      (await a.get(`${path}?limit=2`)).body.messages.map((m: { id: string }) => m.id),
      ids.slice(4),
    );
    assert.deepEqual(
      (await a.get(`${path}?start=${ids[1]}&limit=2`)).body.messages.map((m: { id: string }) => m.id),
      ids.slice(1, 3),
    );
    assert.deepEqual(
      (await a.get(`${path}?end=${ids[3]}&limit=2`)).body.messages.map((m: { id: string }) => m.id),
      ids.slice(2, 4),
    );
    assert.deepEqual(
      (await a.get(`${path}?start=${ids[1]}&end=${ids[2]}`)).body.messages.map((m: { id: string }) => m.id),
      ids.slice(1, 3),
    );
    for (const q of ["?limit=0", "?limit=1001", "?limit=abc", "?start=nope"]) {
      const res = await a.get(`${path}${q}`);
      assert.equal(res.status, 400, q);
      assert.equal(res.body.error.code, "bad_request");
    }
    const stranger = new Browser(t.http(1));
    assert.equal((await stranger.get(path)).status, 401);
    assert.equal((await stranger.post(path, { name: "x", text: "y" })).status, 401);
    assert.equal((await stranger.get("/api/rooms/ZZZZZZZZZZZZZZZZZZZZZ/messages")).status, 404);
    const empty = await a.post(path, { name: "Bot", text: "  " });
    assert.deepEqual([empty.status, empty.body.error.code], [400, "empty"]);
    const long = await a.post(path, { name: "Bot", text: "x".repeat(1001) });
    assert.deepEqual([long.status, long.body.error.code], [400, "too_long"]);
    const noName = await a.post(path, { name: " ", text: "hi" });
    assert.deepEqual([noName.status, noName.body.error.code], [400, "bad_request"]);
  });

  it("the lobby's messages are open to anyone; a nonce is deduped for the same clientId", async () => {
    const anyone = new Browser(t.http(0));
    const first = await anyone.post("/api/rooms/lobby/messages", {
      name: "Robot",
      text: "hello lobby",
      clientId: "robot-1",
      nonce: "n-http",
    });
    assert.equal(first.status, 201);
    const repeat = await anyone.post(
      "/api/rooms/lobby/messages",
      { name: "Robot", text: "hello lobby", clientId: "robot-1", clientToken: first.body.clientToken, nonce: "n-http" },
      t.http(1),
    );
    assert.equal(repeat.body.message.id, first.body.message.id);
    const list = await anyone.get("/api/rooms/lobby/messages?limit=5", t.http(1));
    assert.equal(list.status, 200);
    assert.ok(list.body.messages.some((m: { id: string }) => m.id === first.body.message.id));
  });

  it("DELETE: 401 without a seat, 204 for a seat holder, then 404; 403 for the lobby", async () => {
    const a = new Browser(t.http(0));
    const room = await createRoom(a);
    assert.equal((await new Browser(t.http(1)).delete(`/api/rooms/${room.roomId}`)).status, 401);
    assert.equal((await a.delete(`/api/rooms/${room.roomId}`, t.http(1))).status, 204);
    assert.equal((await a.get(`/api/rooms/${room.roomId}`)).status, 404);
    assert.equal((await a.delete(`/api/rooms/${room.roomId}`)).status, 404);
    const lobby = await a.delete("/api/rooms/lobby");
    assert.deepEqual([lobby.status, lobby.body.error.code], [403, "forbidden"]);
  });

  it("a new seat expires the seat cookies of rooms that no longer exist, and keeps the live ones", async () => {
    const a = new Browser(t.http(0));
    const gone = await createRoom(a);
    const kept = await createRoom(a);
    assert.equal((await a.delete(`/api/rooms/${gone.roomId}`)).status, 204);
    const fresh = await createRoom(a);
    const expired = a.setCookies.filter((c) => /Max-Age=0/i.test(c)).map((c) => c.split("=")[0]);
    assert.deepEqual(expired, [`flare_seat_${gone.roomId}`], "only the destroyed room's cookie is expired");
    assert.match(a.cookieHeader(), new RegExp(`flare_seat_${kept.roomId}=[^;]`));
    assert.match(a.cookieHeader(), new RegExp(`flare_seat_${fresh.roomId}=[^;]`));
  });
});
