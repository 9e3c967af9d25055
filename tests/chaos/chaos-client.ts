import WebSocket from "ws";
import { compareIds, type Message, parseServerFrame, type ServerFrame } from "../../lib/protocol";

export type ChaosClientSpec = {
  room: string;
  clientId: string;
  /** Seat cookie for a private room (none for the lobby). */
  cookie?: string;
  /** The instances' WebSocket URLs; a reconnect moves on to the next one. */
  urls: () => string[];
  /** Index into `urls` of the first connection. */
  home: number;
  /** Messages per second this client sends (0: it only reads). */
  rate: number;
};

type Pending = { nonce: string; text: string; firstSentAt: number; sentAt: number };

/** What one client saw and did, for the ledger. */
export type ClientRecord = {
  room: string;
  clientId: string;
  /** Ids in arrival order (history after `since` and live), with the time each arrived. */
  delivered: { id: string; at: number; ts: number }[];
  /** The id the client held when the measured run started: its log is compared after it. */
  startedAfter: string | undefined;
  sent: number;
  /** Resends of a message not yet acked (after a reconnect, `unavailable` or `rate_limited`). */
  retried: number;
  /** nonce → the id it was acked with (the first ack; a different later id counts as `ackMismatch`). */
  acked: Map<string, string>;
  ackMismatch: number;
  /** Joins answered with `history.reset: true` although the client held a `since`. */
  resets: number;
  /** Messages that arrived with an id not above the newest one held. */
  outOfOrder: number;
  reconnects: number;
};

/**
 * A client that behaves as Flare's own browser client must: it reconnects on any close (moving to
 * the next instance), resumes with `since`, and resends every unacked message with the same nonce
 * until it is acked. It records everything it sees so the ledger can prove nothing was lost or doubled.
 */
export class ChaosClient {
  readonly record: ClientRecord;
  private ws: WebSocket | undefined;
  private joined = false;
  private attempt = 0;
  private clientToken: string | undefined;
  private lastId: string | undefined;
  private seq = 0;
  private readonly outbox = new Map<string, Pending>();
  private sendTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Set once the measured part starts: from then on everything received is recorded. */
  private measuring = false;

  constructor(private readonly spec: ChaosClientSpec) {
    this.record = {
      room: spec.room,
      clientId: spec.clientId,
      delivered: [],
      startedAfter: undefined,
      sent: 0,
      retried: 0,
      acked: new Map(),
      ackMismatch: 0,
      resets: 0,
      outOfOrder: 0,
      reconnects: 0,
    };
  }

  get connected(): boolean {
    return this.joined;
  }

  get unacked(): number {
    return this.outbox.size;
  }

  get newestId(): string | undefined {
    return this.lastId;
  }

  start(): void {
    this.connect();
  }

  /** From now on the client sends at its rate; what it held before is the start of its log. */
  startSending(): void {
    this.record.startedAfter = this.lastId;
    this.record.delivered = [];
    this.measuring = true;
    if (this.spec.rate > 0) this.sendTimer = setInterval(() => this.sendNext(), 1000 / this.spec.rate);
  }

  stopSending(): void {
    clearInterval(this.sendTimer);
  }

  /** Drops the TCP connection without a close handshake, as a network cut would. */
  cut(): void {
    this.ws?.terminate();
  }

  stop(): void {
    this.stopped = true;
    this.stopSending();
    this.ws?.terminate();
  }

  private connect(): void {
    if (this.stopped) return;
    const urls = this.spec.urls();
    const url = urls[(this.spec.home + this.attempt) % urls.length]!;
    const ws = new WebSocket(url, { headers: this.spec.cookie ? { cookie: this.spec.cookie } : {} });
    this.ws = ws;
    ws.on("open", () =>
      this.send({
        type: "join",
        room: this.spec.room,
        clientId: this.spec.clientId,
        name: this.spec.clientId,
        ...(this.lastId ? { since: this.lastId } : {}),
        ...(this.clientToken ? { clientToken: this.clientToken } : {}),
      }),
    );
    ws.on("message", (data) => {
      const parsed = parseServerFrame(data.toString());
      if (parsed.ok) this.onFrame(parsed.frame);
    });
    ws.on("error", () => {});
    ws.on("close", () => {
      if (this.ws !== ws) return;
      this.joined = false;
      this.ws = undefined;
      if (this.stopped) return;
      this.attempt++;
      this.record.reconnects++;
      setTimeout(() => this.connect(), 100 + Math.random() * 200);
    });
  }

  private onFrame(frame: ServerFrame): void {
    switch (frame.type) {
      case "joined":
        this.clientToken = (frame as { clientToken?: string }).clientToken ?? this.clientToken;
        return;
      case "history":
        if (frame.reset && this.lastId !== undefined && this.measuring) this.record.resets++;
        for (const m of frame.messages) this.deliver(m);
        this.joined = true;
        // A new connection: whatever is unacked may have died with the old one.
        this.resendAll(true);
        return;
      case "message":
        return this.deliver(frame.message);
      case "ack":
        return this.onAck(frame.nonce, frame.id);
      case "error":
        // `unavailable` and `rate_limited` leave the message unstored: it stays in the outbox and
        // goes again on the next tick, with the same nonce.
        return;
      default:
        return;
    }
  }

  private deliver(m: Message): void {
    if (this.lastId !== undefined && compareIds(m.id, this.lastId) <= 0) {
      // A history after `since` never repeats what the client holds; anything at or below it is
      // a double or out of order, and the ledger decides which.
      if (this.measuring) this.record.outOfOrder++;
      return;
    }
    this.lastId = m.id;
    if (this.measuring) this.record.delivered.push({ id: m.id, at: Date.now(), ts: m.ts });
  }

  private onAck(nonce: string, id: string): void {
    const first = this.record.acked.get(nonce);
    if (first !== undefined && first !== id) this.record.ackMismatch++;
    if (first === undefined) this.record.acked.set(nonce, id);
    this.outbox.delete(nonce);
  }

  private sendNext(): void {
    const nonce = `${this.spec.clientId}-${++this.seq}`;
    const now = Date.now();
    this.outbox.set(nonce, { nonce, text: `${this.spec.clientId} #${this.seq}`, firstSentAt: now, sentAt: 0 });
    this.record.sent++;
    this.resendAll();
  }

  /** Sends what was never sent, and again what has waited over a second for its ack (or everything). */
  private resendAll(everything = false): void {
    if (!this.joined) return;
    const now = Date.now();
    for (const p of this.outbox.values()) {
      if (!everything && p.sentAt !== 0 && now - p.sentAt < 1000) continue;
      if (p.sentAt !== 0) this.record.retried++;
      p.sentAt = now;
      this.send({ type: "message", text: p.text, nonce: p.nonce });
    }
  }

  /** Resends anything overdue; the runner calls it while settling, when no new messages are sent. */
  flush(): void {
    this.resendAll();
  }

  private send(frame: Record<string, unknown>): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(frame));
  }
}
