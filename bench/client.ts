import WebSocket from "ws";
import { parseServerFrame, type ServerFrame } from "../lib/protocol";
import { now } from "./time";

/** A live message as the bench saw it arrive. */
export type Arrival = { id: string; nonce: string | undefined; at: number };

export type JoinSpec = { url: string; room: string; clientId: string; cookie?: string; timeoutMs?: number };

/**
 * A WebSocket client for measuring: every frame is validated with the contract's parser and live
 * messages / acks are stamped with their arrival time. In `light` mode frames after `history` are
 * only counted (1000 idle sockets should not cost the bench process a parse each).
 */
export class BenchClient {
  readonly arrivals: Arrival[] = [];
  readonly acks = new Map<string, { id: string; at: number }>();
  readonly errors: string[] = [];
  invalid = 0;
  framesAfterJoin = 0;
  bytesAfterJoin = 0;
  closeCode: number | undefined;
  private joined = false;
  private onHistory: (() => void) | undefined;

  private constructor(
    readonly ws: WebSocket,
    private readonly light: boolean,
  ) {
    ws.on("message", (data) => this.onData(data.toString()));
    ws.on("close", (code) => (this.closeCode = code));
  }

  /** Connects, joins and resolves once `history` arrived. */
  static join(spec: JoinSpec, light = false): Promise<BenchClient> {
    const ws = new WebSocket(spec.url, spec.cookie ? { headers: { cookie: spec.cookie } } : {});
    const client = new BenchClient(ws, light);
    return handshake(ws, {
      what: `join of ${spec.clientId}`,
      until: "history",
      timeoutMs: spec.timeoutMs,
      first: { type: "join", room: spec.room, clientId: spec.clientId, name: spec.clientId },
      ready: (done) => (client.onHistory = done),
    }).then(() => client);
  }

  /** Sends a chat message; returns the send timestamp. */
  sendMessage(text: string, nonce: string): number {
    const at = now();
    this.ws.send(JSON.stringify({ type: "message", text, nonce }));
    return at;
  }

  /** Live messages whose nonce starts with `prefix`, in arrival order. */
  tagged(prefix: string): Arrival[] {
    return this.arrivals.filter((a) => a.nonce?.startsWith(prefix));
  }

  close(): Promise<void> {
    return closeSocket(this.ws);
  }

  private onData(text: string): void {
    const at = now();
    if (this.joined && this.light) {
      this.framesAfterJoin++;
      this.bytesAfterJoin += text.length;
      return;
    }
    const parsed = parseServerFrame(text);
    if (!parsed.ok) {
      this.invalid++;
      return;
    }
    if (this.joined) this.framesAfterJoin++;
    this.onFrame(parsed.frame, at);
  }

  private onFrame(frame: ServerFrame, at: number): void {
    switch (frame.type) {
      case "history":
        this.joined = true;
        this.onHistory?.();
        return;
      case "message":
        this.arrivals.push({ id: frame.message.id, nonce: frame.message.nonce, at });
        return;
      case "ack":
        this.acks.set(frame.nonce, { id: frame.id, at });
        return;
      case "error":
        this.errors.push(frame.code);
        return;
      default:
        return;
    }
  }
}

/** Closes a socket (a normal close once open, else a terminate) and resolves when it is closed. */
export function closeSocket(ws: WebSocket): Promise<void> {
  if (ws.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    ws.once("close", () => resolve());
    if (ws.readyState === WebSocket.OPEN) ws.close(1000);
    else ws.terminate();
  });
}

/**
 * Opens `ws`, sends `first` once open, and resolves when `ready` fires (the awaited frame arrived);
 * rejects on an error, a refused upgrade, a close before it, or after `timeoutMs` (default 15 s).
 */
export function handshake(
  ws: WebSocket,
  opts: {
    what: string;
    until: string;
    timeoutMs?: number | undefined;
    first: object;
    ready: (done: () => void) => void;
  },
): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`${opts.what} timed out`));
    }, opts.timeoutMs ?? 15_000);
    const fail = (e: Error) => {
      clearTimeout(timer);
      reject(e);
    };
    ws.once("error", fail);
    ws.once("unexpected-response", (_req, res) => fail(new Error(`HTTP ${res.statusCode}`)));
    ws.once("close", (code) => fail(new Error(`closed with ${code} before ${opts.until}`)));
    opts.ready(() => {
      clearTimeout(timer);
      resolve();
    });
    ws.once("open", () => ws.send(JSON.stringify(opts.first)));
  });
}
