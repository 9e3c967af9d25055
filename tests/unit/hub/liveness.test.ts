import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { once } from "node:events";
import { WebSocket, WebSocketServer } from "ws";
import {
  type LivenessOptions,
  LivenessSweeper,
  sweepInterval,
  verdict,
  type Watched,
  watchPongs,
} from "../../../lib/hub/liveness";
import { CLOSE_CODES } from "../../../lib/protocol";

const OPTS: LivenessOptions = { pingIntervalMs: 30_000, pongTimeoutMs: 60_000, joinTimeoutMs: 10_000 };
const TICK = 1000;

/** A connection as the sweep sees it, recording what the sweep did to it. */
class Probe implements Watched {
  lastPingAt: number;
  unansweredSince = 0;
  socketOpen = true;
  pings: number[] = [];
  closes: { code: number; reason: string | undefined }[] = [];
  terminated = false;
  constructor(
    readonly openedAt: number,
    public admitted = true,
  ) {
    this.lastPingAt = openedAt;
  }
  ping(): void {
    this.pings.push(this.lastPingAt);
  }
  close(code: number, reason?: string): void {
    this.closes.push({ code, reason });
  }
  terminate(): void {
    this.terminated = true;
  }
  pong(): void {
    this.unansweredSince = 0;
  }
}

/** Runs the sweep once per tick from `from` to `to` (inclusive). */
function run(sweeper: LivenessSweeper, from: number, to: number): void {
  for (let t = from; t <= to; t += sweeper.tickMs) sweeper.sweep(t);
}

describe("liveness sweep", () => {
  it("pings a connection at least every ping interval", () => {
    const p = new Probe(0);
    const sweeper = new LivenessSweeper([p], OPTS);
    for (let t = 0; t <= 100_000; t += TICK) {
      sweeper.sweep(t);
      p.pong();
    }
    assert.equal(p.terminated, false);
    assert.ok(p.pings.length >= 3, `pinged ${p.pings.length} times`);
    const gaps = p.pings.map((t, i) => t - (i === 0 ? 0 : p.pings[i - 1]!));
    for (const gap of gaps) assert.ok(gap <= OPTS.pingIntervalMs && gap > OPTS.pingIntervalMs - TICK, `gap ${gap}`);
  });

  it("drops a connection whose ping is unanswered for the pong timeout, not earlier", () => {
    const p = new Probe(0);
    const sweeper = new LivenessSweeper([p], OPTS);
    run(sweeper, 0, 30_000);
    assert.equal(p.pings.length, 1);
    const pingedAt = p.pings[0]!;
    run(sweeper, 31_000, pingedAt + OPTS.pongTimeoutMs - 1);
    assert.equal(p.terminated, false, "dropped before 60 s without an answer");
    sweeper.sweep(pingedAt + OPTS.pongTimeoutMs);
    assert.equal(p.terminated, true);
  });

  it("keeps a connection that answers late but within the timeout", () => {
    const p = new Probe(0);
    const sweeper = new LivenessSweeper([p], OPTS);
    for (let t = 0; t <= 300_000; t += TICK) {
      sweeper.sweep(t);
      // Answers every ping 50 s late: slower than the ping interval, inside the 60 s timeout.
      if (p.unansweredSince !== 0 && t - p.unansweredSince >= 50_000) p.pong();
    }
    assert.equal(p.terminated, false);
    assert.ok(p.pings.length >= 9);
  });

  it("closes a connection admitted to nothing with 4002 after the join timeout", () => {
    const idle = new Probe(0, false);
    const joined = new Probe(0, true);
    const sweeper = new LivenessSweeper([idle, joined], OPTS);
    run(sweeper, 0, OPTS.joinTimeoutMs - 1);
    assert.equal(idle.closes.length, 0);
    sweeper.sweep(OPTS.joinTimeoutMs);
    assert.deepEqual(
      idle.closes.map((c) => c.code),
      [CLOSE_CODES.joinTimeout],
    );
    run(sweeper, OPTS.joinTimeoutMs, 60_000);
    assert.equal(joined.closes.length, 0);
  });

  it("ends sockets at the maximum duration with 1001", () => {
    const p = new Probe(5_000);
    const sweeper = new LivenessSweeper([p], { ...OPTS, maxSocketMs: 3_000 });
    run(sweeper, 5_000, 7_999);
    assert.equal(p.closes.length, 0);
    sweeper.sweep(8_000);
    assert.deepEqual(
      p.closes.map((c) => c.code),
      [CLOSE_CODES.goingAway],
    );
  });

  it("pings only open sockets", () => {
    const p = new Probe(0);
    p.socketOpen = false;
    assert.equal(verdict(p, 40_000, OPTS, TICK), "fine");
  });

  it("sweeps often enough for short test settings, at most once a second for the contract's", () => {
    assert.equal(sweepInterval(OPTS), 1000);
    assert.equal(sweepInterval({ pingIntervalMs: 200, pongTimeoutMs: 400, joinTimeoutMs: 1000 }), 50);
    assert.equal(sweepInterval({ ...OPTS, maxSocketMs: 3000 }), 750);
  });
});

describe("watchPongs", () => {
  it("marks a real socket as answering when its pong arrives", async () => {
    const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
    await once(server, "listening");
    const { port } = server.address() as { port: number };
    try {
      const accepted = once(server, "connection") as Promise<[WebSocket]>;
      const client = new WebSocket(`ws://127.0.0.1:${port}`);
      const [ws] = await accepted;
      const p = new Probe(Date.now());
      watchPongs(ws, p);
      p.unansweredSince = 1;
      ws.ping();
      await once(ws, "pong");
      assert.equal(p.unansweredSince, 0);

      const silent = new WebSocket(`ws://127.0.0.1:${port}`, { autoPong: false });
      const [ws2] = (await once(server, "connection")) as [WebSocket];
      const q = new Probe(Date.now());
      watchPongs(ws2, q);
      q.unansweredSince = 1;
      ws2.ping();
      await once(silent, "ping");
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(q.unansweredSince, 1, "a socket that does not answer stays unanswered");
      client.terminate();
      silent.terminate();
    } finally {
      server.close();
    }
  });
});
