import assert from "node:assert/strict";
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { after, describe, it } from "node:test";
import { WebSocket, WebSocketServer, type ServerOptions } from "ws";
import { directSocket, TextFrame } from "../../../lib/hub/text-frame";

const servers: WebSocketServer[] = [];
after(() => servers.forEach((s) => s.close()));

/** A real ws server on port 0 and a real client; resolves with both ends once open. */
async function pair(options: ServerOptions = {}, client: ConstructorParameters<typeof WebSocket>[2] = {}) {
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0, ...options });
  servers.push(server);
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  const accepted = once(server, "connection") as Promise<[WebSocket]>;
  const peer = new WebSocket(`ws://127.0.0.1:${port}`, client);
  const [[ws]] = await Promise.all([accepted, once(peer, "open")]);
  return { ws, peer };
}

describe("TextFrame written straight to the socket", () => {
  // One of each header size (7-bit, 16-bit, 64-bit length), both edges, and multi-byte UTF-8.
  const texts = [
    "",
    "x".repeat(125),
    "x".repeat(126),
    "é".repeat(40),
    "x".repeat(65_535),
    "x".repeat(65_536),
    JSON.stringify({ type: "message", text: "Grüße 👋 from Swift Otter" }),
  ];

  it("is received by a ws client as the same text frames, in order with ws's own frames", async () => {
    const { ws, peer } = await pair();
    const socket = directSocket(ws);
    assert.ok(socket, "ws no longer exposes its socket: Connection falls back to ws.send (slower)");

    const received: { text: string; binary: boolean }[] = [];
    let pings = 0;
    peer.on("ping", () => pings++);
    peer.on("message", (data, binary) => received.push({ text: String(data), binary }));
    const closed = once(peer, "close");

    for (const text of texts) {
      socket.write(new TextFrame(text).bytes);
      ws.ping();
    }
    ws.send("sent by ws");
    socket.write(new TextFrame("after ws").bytes);
    ws.close(1000, "done");

    const [code] = await closed;
    assert.equal(code, 1000);
    assert.equal(pings, texts.length);
    assert.deepEqual(
      received,
      [...texts, "sent by ws", "after ws"].map((text) => ({ text, binary: false })),
    );
  });

  it("builds its buffer once however many sockets it goes to", () => {
    const frame = new TextFrame('{"type":"pong"}');
    assert.equal(frame.bytes, frame.bytes);
    assert.deepEqual([...frame.bytes.subarray(0, 2)], [0x81, 15]);
  });

  it("is not used on a connection that negotiated permessage-deflate", async () => {
    const { ws, peer } = await pair({ perMessageDeflate: true }, { perMessageDeflate: true });
    assert.match(ws.extensions, /permessage-deflate/);
    assert.equal(directSocket(ws), undefined);
    peer.close();
  });
});
