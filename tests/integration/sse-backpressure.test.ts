import assert from "node:assert/strict";
import net from "node:net";
import { after, before, describe, it } from "node:test";
import { startApp, type AppInstance } from "../helpers/app-server";
import { collectGarbage, MiB, rssBytes, tcpState } from "../helpers/process";
import { eventually, sleep } from "../helpers/wait";
import WebSocket from "ws";

/** 1000 code points of 4 UTF-8 bytes: the largest message text, ~4 KB per SSE event. */
const TEXT = "😀".repeat(1000);
const SENDERS = 15;
const PER_SENDER = 120;
const STALLED = 8;

/** A raw HTTP client on the lobby's SSE that reads the response head, then stops reading. */
async function stalledReader(app: AppInstance): Promise<{ socket: net.Socket; localPort: number }> {
  const socket = net.connect(app.port, "127.0.0.1");
  await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  socket.write(
    `GET /api/rooms/lobby/events HTTP/1.1\r\nHost: 127.0.0.1:${app.port}\r\nAccept: text/event-stream\r\n\r\n`,
  );
  const head = await new Promise<string>((resolve) => {
    let got = "";
    const onData = (d: Buffer) => {
      got += d.toString("latin1");
      if (got.includes("\r\n\r\n")) {
        socket.off("data", onData);
        socket.pause();
        resolve(got);
      }
    };
    socket.on("data", onData);
  });
  assert.match(head, /^HTTP\/1\.1 200 /);
  assert.match(head, /content-type: text\/event-stream/i);
  return { socket, localPort: socket.localPort! };
}

/** Resumes a stalled reader and reads to the end: the bytes it got, or a timeout if it never ends. */
function drain(socket: net.Socket, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let bytes = 0;
    const timer = setTimeout(() => reject(new Error(`the stream did not end (${bytes} bytes read)`)), timeoutMs);
    socket.on("data", (d: Buffer) => (bytes += d.byteLength));
    socket.once("close", () => {
      clearTimeout(timer);
      resolve(bytes);
    });
    socket.on("error", () => {});
    socket.resume();
  });
}

/**
 * A sender that joins the lobby and only counts its acks: it receives every message of the
 * flood too, and parsing them all would make the test the bottleneck.
 */
async function sender(
  app: AppInstance,
  clientId: string,
): Promise<{ ws: WebSocket; acks: () => number; errors: string[] }> {
  const ws = new WebSocket(app.wsUrl);
  let acks = 0;
  const errors: string[] = [];
  let joined!: () => void;
  const ready = new Promise<void>((resolve) => (joined = resolve));
  ws.on("message", (data: Buffer) => {
    const head = data.subarray(0, 20).toString();
    if (head.startsWith('{"type":"ack"')) acks++;
    else if (head.startsWith('{"type":"error"')) errors.push(data.toString());
    else if (head.startsWith('{"type":"history"')) joined();
  });
  ws.on("close", (code) => errors.push(`closed ${code}`));
  await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
  ws.send(JSON.stringify({ type: "join", room: "lobby", clientId, name: clientId }));
  await ready;
  return { ws, acks: () => acks, errors };
}

type Sender = Awaited<ReturnType<typeof sender>>;

/** Every sender sends `count` messages within the per-connection budget (burst 20, then 10/s). */
async function flood(senders: Sender[], count: number): Promise<void> {
  const start = senders.map((s) => s.acks());
  for (let i = 0; i < count; i++) {
    senders.forEach((s, k) => s.ws.send(JSON.stringify({ type: "message", text: TEXT, nonce: `${start[k]}-${i}` })));
    await sleep(i < 15 ? 0 : 105);
  }
  await eventually(() => senders.every((s, i) => s.acks() - start[i]! === count), 30_000, "every message acked");
  assert.deepEqual(
    senders.flatMap((s) => s.errors),
    [],
  );
}

describe("SSE backpressure: a reader that stops reading [memory]", () => {
  let app: AppInstance;
  before(async () => {
    // The inspector lets the test collect garbage before each reading (see collectGarbage).
    app = await startApp({ env: { NODE_OPTIONS: "--inspect=127.0.0.1:0" } });
  });
  after(() => app.kill());

  it("is cut once 1 MiB is unsent, while the server's RSS stays bounded and a reading client gets everything", async () => {
    const senders = await Promise.all(Array.from({ length: SENDERS }, (_, i) => sender(app, `flood-${i}`)));
    // Warm up: the SSE route, and a flood as large as the measured one with no stalled reader, so
    // the heap already grew to what the traffic itself churns through and the growth below is what
    // stalled readers hold.
    const warm = await stalledReader(app);
    warm.socket.destroy();
    await flood(senders, PER_SENDER);
    await sleep(500);
    await collectGarbage(app.output());
    const rssBefore = rssBytes(app.pid);

    const live = new AbortController();
    const liveRes = await fetch(`${app.url}/api/rooms/lobby/events`, { signal: live.signal });
    let liveText = "";
    const liveReading = (async () => {
      const reader = liveRes.body!.getReader();
      const decoder = new TextDecoder();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        liveText += decoder.decode(value, { stream: true });
      }
    })().catch(() => {});

    const stalled = await Promise.all(Array.from({ length: STALLED }, () => stalledReader(app)));
    await flood(senders, PER_SENDER);
    const produced = SENDERS * PER_SENDER * Buffer.byteLength(TEXT);

    // The server drops every stalled connection (its side leaves ESTABLISHED) …
    await eventually(
      () => stalled.every((r) => tcpState(app.port, r.localPort) !== "01"),
      15_000,
      "the server to close every stalled stream",
    );
    // Live memory, after a full GC: without it, garbage the flood left behind made this figure swing
    // by several MiB between runs. That nothing piles up while a reader is stalled is shown by the
    // cut above and by what the stalled readers got (below).
    await collectGarbage(app.output());
    const rssAfter = rssBytes(app.pid);
    const growth = rssAfter - rssBefore;
    console.log(
      `[sse-backpressure] ${STALLED} stalled readers, ${(produced / MiB).toFixed(1)} MiB of lobby traffic each: ` +
        `RSS ${(rssBefore / MiB).toFixed(1)} → ${(rssAfter / MiB).toFixed(1)} MiB (+${(growth / MiB).toFixed(1)} MiB)`,
    );
    // Each stalled stream may hold its 1 MiB of unsent events plus what is in flight to the socket
    // (~1.6 MiB measured); unbounded, each would hold everything the kernel did not take (~3 MiB here).
    assert.ok(growth < STALLED * 2 * MiB + 4 * MiB, `RSS grew by ${(growth / MiB).toFixed(1)} MiB`);

    // … and each stalled reader, once it reads again, gets what the kernels held, then the end.
    for (const r of stalled) {
      const got = await drain(r.socket, 10_000);
      assert.ok(got < produced / 2, `a stalled reader still got ${(got / MiB).toFixed(1)} MiB`);
    }

    // A reader that kept reading got every message, and the instance still serves.
    // (It started with the lobby's history: the newest 50, all of the warm-up flood.)
    const floodedOnLive = () => liveText.split(TEXT).length - 1;
    await eventually(() => floodedOnLive() >= 50 + SENDERS * PER_SENDER, 15_000, "every message on the live reader");
    const ids = [...liveText.matchAll(/^id: (\S+)$/gm)].map((m) => m[1]);
    assert.equal(new Set(ids).size, ids.length, "no message twice");
    live.abort();
    await liveReading;
    assert.equal((await fetch(`${app.url}/api/health`)).status, 200);
    for (const s of senders) s.ws.close();
  });
});
