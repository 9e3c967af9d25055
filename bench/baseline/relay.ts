import { randomBytes } from "node:crypto";
import Redis from "ioredis";
import { WebSocket, WebSocketServer } from "ws";
import { z } from "zod";

/**
 * The bare relay the bench holds Flare against: `ws` + ioredis, one Redis stream per room, one
 * blocking XREAD connection per process. It speaks just enough of Flare's wire shape for the bench
 * clients (join → joined + empty history, message → ack + live message with the stream id) and
 * nothing else: no seats, presence, system messages, rate limits, history or ordering across
 * instances. Env: PORT, REDIS_URL, INSTANCE_ID.
 */

const PORT = Number(process.env.PORT ?? 3100);
const INSTANCE = process.env.INSTANCE_ID ?? randomBytes(4).toString("hex");
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const keyOf = (room: string) => `baseline:room:${room}`;

const clientFrame = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("join"),
    room: z.string().min(1).max(64),
    clientId: z.string().min(1).max(64),
    name: z.string().min(1).max(40),
  }),
  z.object({ type: z.literal("message"), text: z.string(), nonce: z.string().min(1).max(64).optional() }),
  z.object({ type: z.literal("ping") }),
]);

type Room = { sockets: Set<WebSocket>; lastId: string | undefined; ready: Promise<void> };
type Peer = { id: string; room?: string; clientId?: string; name?: string };

const writer = new Redis(REDIS_URL);
const reader = new Redis(REDIS_URL);
const rooms = new Map<string, Room>();
let connections = 0;

function send(ws: WebSocket, frame: string): void {
  if (ws.readyState === WebSocket.OPEN) ws.send(frame);
}

function error(ws: WebSocket, code: string, message: string): void {
  send(ws, JSON.stringify({ type: "error", code, message }));
}

/** A stored message (JSON without its id) as a live frame, without parsing it again. */
const liveFrame = (id: string, stored: string) =>
  `{"type":"message","message":{"id":${JSON.stringify(id)},${stored.slice(1)}}`;

function broadcast(room: string, frame: string): void {
  for (const ws of rooms.get(room)?.sockets ?? []) send(ws, frame);
}

async function join(ws: WebSocket, peer: Peer, room: string): Promise<void> {
  let entry = rooms.get(room);
  if (!entry) {
    const created: Room = { sockets: new Set(), lastId: undefined, ready: Promise.resolve() };
    created.ready = writer.xrevrange(keyOf(room), "+", "-", "COUNT", 1).then((newest) => {
      created.lastId = newest[0]?.[0] ?? "0-0";
      wakeReader();
    });
    rooms.set(room, created);
    entry = created;
  }
  await entry.ready;
  if (ws.readyState !== WebSocket.OPEN) {
    if (entry.sockets.size === 0) rooms.delete(room);
    return;
  }
  entry.sockets.add(ws);
  const joined = {
    type: "joined",
    room,
    connectionId: peer.id,
    clientId: peer.clientId,
    expiresAt: null,
    capacity: null,
  };
  send(ws, JSON.stringify(joined));
  send(ws, JSON.stringify({ type: "history", room, messages: [], reset: true }));
}

async function relay(ws: WebSocket, peer: Peer, room: string, text: string, nonce?: string): Promise<void> {
  const stored = JSON.stringify({ room, clientId: peer.clientId, name: peer.name, text, ts: Date.now(), nonce });
  const id = await writer.xadd(keyOf(room), "MAXLEN", "~", 1000, "*", "m", stored, "o", INSTANCE);
  if (!id) return;
  broadcast(room, liveFrame(id, stored));
  if (nonce) send(ws, JSON.stringify({ type: "ack", nonce, id }));
}

function onFrame(ws: WebSocket, peer: Peer, raw: string): void {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return error(ws, "bad_frame", "not JSON");
  }
  const parsed = clientFrame.safeParse(json);
  if (!parsed.success) return error(ws, "bad_frame", "unknown or malformed frame");
  const f = parsed.data;
  if (f.type === "ping") return void send(ws, '{"type":"pong"}');
  if (f.type === "join") {
    if (peer.room) return error(ws, "already_joined", "one room per connection");
    Object.assign(peer, { room: f.room, clientId: f.clientId, name: f.name.trim() });
    return void join(ws, peer, f.room).catch(() => error(ws, "unavailable", "Redis failed"));
  }
  if (!peer.room) return error(ws, "not_joined", "join first");
  const text = f.text.trim();
  if (!text) return error(ws, "empty", "empty message");
  if (text.length > 1000) return error(ws, "too_long", "over 1000 characters");
  relay(ws, peer, peer.room, text, f.nonce).catch(() => error(ws, "unavailable", "Redis failed"));
}

function leave(ws: WebSocket, peer: Peer): void {
  const entry = peer.room ? rooms.get(peer.room) : undefined;
  if (!entry) return;
  entry.sockets.delete(ws);
  if (entry.sockets.size === 0) rooms.delete(peer.room!);
}

// The reader: one XREAD over every room with local sockets; a new room interrupts it (CLIENT UNBLOCK).
let readerId = 0;
let reading: Set<string> | undefined;
let generation = 0;
let kicking = false;
let idle: (() => void) | undefined;

function wakeReader(): void {
  if (idle) return idle();
  if (kicking || !reading) return;
  kicking = true;
  void (async () => {
    const gen = generation;
    // The XREAD may not have reached Redis yet: retry until it is unblocked or superseded.
    for (let i = 0; i < 200 && reading && generation === gen; i++) {
      if ((await writer.client("UNBLOCK", readerId)) === 1) break;
      await new Promise((r) => setTimeout(r, 2));
    }
  })()
    .catch(() => undefined)
    .finally(() => {
      kicking = false;
      if (reading && [...rooms.keys()].some((r) => !reading!.has(r))) wakeReader();
    });
}

async function readLoop(): Promise<never> {
  readerId = Number(await reader.client("ID"));
  for (;;) {
    const ready = [...rooms].filter(([, r]) => r.lastId !== undefined);
    if (ready.length === 0) {
      await new Promise<void>((r) => (idle = r));
      idle = undefined;
      continue;
    }
    generation++;
    reading = new Set(ready.map(([name]) => name));
    const keys = ready.map(([name]) => keyOf(name));
    const ids = ready.map(([, r]) => r.lastId!);
    const res = await reader.xread("COUNT", 500, "BLOCK", 5000, "STREAMS", ...keys, ...ids).catch(() => null);
    reading = undefined;
    for (const [key, entries] of res ?? []) {
      const name = key.slice(keyOf("").length);
      const entry = rooms.get(name);
      if (!entry) continue;
      for (const [id, fields] of entries) {
        entry.lastId = id;
        const field = (f: string) => fields[fields.indexOf(f) + 1];
        const stored = field("m");
        if (field("o") !== INSTANCE && stored) broadcast(name, liveFrame(id, stored));
      }
    }
  }
}

const wss = new WebSocketServer({ host: "127.0.0.1", port: PORT, path: "/api/ws", maxPayload: 64 * 1024 });
wss.on("connection", (ws) => {
  const peer: Peer = { id: `${INSTANCE}-${++connections}` };
  ws.on("message", (data, isBinary) =>
    isBinary ? error(ws, "bad_frame", "binary frame") : onFrame(ws, peer, data.toString()),
  );
  ws.on("close", () => leave(ws, peer));
  ws.on("error", () => undefined);
});
wss.on("listening", () => console.log(`> baseline relay ready on ${PORT} (pid ${process.pid})`));

readLoop().catch((e: unknown) => {
  console.error("baseline reader failed", e);
  process.exit(1);
});

function shutdown(): void {
  for (const ws of wss.clients) ws.close(1001);
  wss.close();
  writer.disconnect();
  reader.disconnect();
  setTimeout(() => process.exit(0), 100).unref();
}
process.once("SIGTERM", shutdown);
process.once("SIGINT", shutdown);
