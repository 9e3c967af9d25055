import assert from "node:assert/strict";
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { after, describe, it } from "node:test";
import { setImmediate as nextTurn } from "node:timers/promises";
import { AckPairing } from "../../../lib/hub/ack-pairing";
import type { Message, ServerFrame } from "../../../lib/protocol";
import { TextFrame } from "../../../lib/hub/text-frame";
import { Connection } from "../../../lib/hub/connection";
import { WebSocket, WebSocketServer } from "ws";

const message = (id: string, clientId: string, nonce?: string): Message => ({
  id,
  room: "lobby",
  clientId,
  name: "Swift Otter",
  text: "hi",
  ts: Number(id.split("-")[0]),
  ...(nonce !== undefined ? { nonce } : {}),
});

const label = (frame: ServerFrame) => (frame.type === "message" ? `message ${frame.message.id}` : frame.type);
const parsed = (wire: TextFrame) => JSON.parse(wire.json) as ServerFrame;

/** A pairing whose writes are recorded, one array per write, as the frames' labels. */
function recorded() {
  const writes: string[][] = [];
  const pairing = new AckPairing((frames) => writes.push(frames.map((f) => label(parsed(f)))));
  /** What Connection.push does: written now unless the pairing takes it. */
  const push = (frame: ServerFrame) => {
    if (!pairing.take(frame, TextFrame.of(frame))) writes.push([label(frame)]);
  };
  return { pairing, writes, push };
}

describe("AckPairing", () => {
  it("writes the own copy and the ack as one write when the copy comes first, with what came between", () => {
    const { pairing, writes, push } = recorded();
    pairing.begin("n1", "me");
    push({ type: "message", message: message("5-0", "me", "n1") });
    push({ type: "message", message: message("6-0", "other") });
    push({ type: "ack", nonce: "n1", id: "5-0" });
    assert.deepEqual(writes, [], "nothing leaves before the store answered");
    pairing.end();
    assert.deepEqual(writes, [["message 5-0", "message 6-0", "ack"]]);
  });

  it("writes them as one write when the ack comes first and the copy in the same turn", async () => {
    const { pairing, writes, push } = recorded();
    pairing.begin("n1", "me");
    push({ type: "message", message: message("4-0", "other") });
    push({ type: "ack", nonce: "n1", id: "5-0" });
    pairing.end();
    push({ type: "message", message: message("5-0", "me", "n1") });
    await nextTurn();
    assert.deepEqual(writes, [["message 4-0"], ["message 5-0", "ack"]]);
  });

  it("sends a waiting ack alone at the end of the turn when no copy comes (a duplicate nonce)", async () => {
    const { pairing, writes, push } = recorded();
    pairing.begin("n1", "me");
    push({ type: "ack", nonce: "n1", id: "1-0" });
    pairing.end();
    assert.deepEqual(writes, []);
    await nextTurn();
    assert.deepEqual(writes, [["ack"]]);
    push({ type: "message", message: message("7-0", "me", "n1") });
    assert.deepEqual(writes, [["ack"], ["message 7-0"]], "a copy after the ack left is not held");
  });

  it("sends a waiting ack before the next message starts to be stored", () => {
    const { pairing, writes, push } = recorded();
    pairing.begin("n1", "me");
    push({ type: "ack", nonce: "n1", id: "1-0" });
    pairing.end();
    pairing.begin("n2", "me");
    assert.deepEqual(writes, [["ack"]]);
  });

  it("releases held frames with the error when the store fails, and on flush before a close", () => {
    const { pairing, writes, push } = recorded();
    pairing.begin("n1", "me");
    push({ type: "message", message: message("5-0", "me", "n1") });
    push({ type: "error", code: "unavailable", message: "down", nonce: "n1" });
    pairing.end();
    assert.deepEqual(writes, [["message 5-0", "error"]]);

    pairing.begin("n2", "me");
    push({ type: "message", message: message("6-0", "me", "n2") });
    push({ type: "error", code: "room_not_found", message: "gone", nonce: "n2" });
    pairing.flush();
    assert.deepEqual(writes.at(-1), ["message 6-0", "error"]);
  });

  it("holds nothing for another client's message with the same nonce, or when no store is running", () => {
    const { pairing, writes, push } = recorded();
    push({ type: "message", message: message("1-0", "me", "n1") });
    pairing.begin("n1", "me");
    push({ type: "message", message: message("2-0", "someone", "n1") });
    push({ type: "presence", room: "lobby", count: 1, users: [] });
    assert.deepEqual(writes, [["message 1-0"], ["message 2-0"], ["presence"]]);
  });
});

describe("Connection with a real ws client", () => {
  const servers: WebSocketServer[] = [];
  after(() =>
    servers.forEach((s) => {
      s.clients.forEach((c) => c.terminate());
      s.close();
    }),
  );

  it("writes the own copy and the ack to the socket once, and they arrive in order", async () => {
    const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
    servers.push(server);
    await once(server, "listening");
    const accepted = once(server, "connection") as Promise<[WebSocket]>;
    const peer = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
    const [[ws]] = await Promise.all([accepted, once(peer, "open")]);
    const conn = new Connection(ws, { seats: new Map(), address: "127.0.0.1", request: () => new Request("http://x") });
    conn.clientId = "me";

    // Counts the writes that reach the server's socket (a corked group reaches it as one writev).
    let writes = 0;
    const socket = (ws as unknown as { _socket: Record<"_write" | "_writev", (...a: unknown[]) => void> })._socket;
    for (const method of ["_write", "_writev"] as const) {
      const original = socket[method].bind(socket);
      socket[method] = (...args) => {
        writes++;
        original(...args);
      };
    }
    const texts: string[] = [];
    peer.on("message", (data) => texts.push(String(data)));

    conn.ackPairing.begin("n1", "me");
    conn.message(message("5-0", "me", "n1"));
    conn.push({ type: "ack", nonce: "n1", id: "5-0" });
    conn.ackPairing.end();
    while (texts.length < 2) await once(peer, "message");

    assert.deepEqual(
      texts.map((t) => label(JSON.parse(t) as ServerFrame)),
      ["message 5-0", "ack"],
    );
    assert.equal(writes, 1, "both frames leave in one write");
  });
});
