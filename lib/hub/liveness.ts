import type { WebSocket } from "ws";
import { CLOSE_CODES, JOIN_TIMEOUT_MS, PONG_TIMEOUT_MS, SERVER_PING_INTERVAL_MS } from "../protocol";

export type LivenessOptions = {
  /** Ping a connection at least this often (contract: 30 s). */
  pingIntervalMs: number;
  /** Drop a connection whose oldest unanswered ping is this old (contract: 60 s). */
  pongTimeoutMs: number;
  /** Close with 4002 a connection admitted to nothing this long after it opened (contract: 10 s). */
  joinTimeoutMs: number;
  /** Close with 1001 this long after it opened, as the platform does at maxDuration (unset: never). */
  maxSocketMs?: number | undefined;
};

export const CONTRACT_LIVENESS: LivenessOptions = {
  pingIntervalMs: SERVER_PING_INTERVAL_MS,
  pongTimeoutMs: PONG_TIMEOUT_MS,
  joinTimeoutMs: JOIN_TIMEOUT_MS,
};

/**
 * What the sweep reads and writes on a connection. Plain fields on the connection itself: with
 * thousands of idle sockets a timer or closure per socket costs more memory than the check.
 */
export interface Watched {
  /** Epoch ms the socket opened. */
  readonly openedAt: number;
  /** Epoch ms of the last ping sent (starts at `openedAt`). */
  lastPingAt: number;
  /** Epoch ms of the oldest ping not answered yet; 0 when every ping was answered. */
  unansweredSince: number;
  /** Ever joined a room or subscribed to a channel: the join timeout no longer applies. */
  readonly admitted: boolean;
  /** Is the socket open (not connecting, closing or closed)? Only open sockets are pinged. */
  readonly socketOpen: boolean;
  ping(): void;
  close(code: number, reason?: string): void;
  /** Drops the TCP connection without a closing handshake: a silent peer would never finish one. */
  terminate(): void;
}

export type Verdict = "max_duration" | "join_timeout" | "dead" | "ping" | "fine";

/**
 * What one sweep at `now` does to one connection. `tickMs` is the time to the next sweep: a ping
 * goes out now when waiting for the next sweep would stretch the interval past `pingIntervalMs`.
 */
export function verdict(w: Watched, now: number, opts: LivenessOptions, tickMs: number): Verdict {
  const age = now - w.openedAt;
  if (opts.maxSocketMs !== undefined && age >= opts.maxSocketMs) return "max_duration";
  if (!w.admitted && age >= opts.joinTimeoutMs) return "join_timeout";
  if (w.unansweredSince !== 0 && now - w.unansweredSince >= opts.pongTimeoutMs) return "dead";
  if (w.socketOpen && now + tickMs - w.lastPingAt > opts.pingIntervalMs) return "ping";
  return "fine";
}

/** Applies one sweep's verdict to one connection. */
export function enforce(w: Watched, now: number, opts: LivenessOptions, tickMs: number): Verdict {
  const v = verdict(w, now, opts, tickMs);
  switch (v) {
    case "max_duration":
      w.close(CLOSE_CODES.goingAway, "maximum duration reached");
      break;
    case "join_timeout":
      w.close(CLOSE_CODES.joinTimeout, "join timeout");
      break;
    case "dead":
      w.terminate();
      break;
    case "ping":
      w.lastPingAt = now;
      if (w.unansweredSince === 0) w.unansweredSince = now;
      w.ping();
      break;
    case "fine":
      break;
  }
  return v;
}

/** Sweep often enough that every deadline is met within a quarter of the shortest one, at most 1 s late. */
export function sweepInterval(opts: LivenessOptions): number {
  const shortest = Math.min(opts.pingIntervalMs, opts.pongTimeoutMs, opts.joinTimeoutMs, opts.maxSocketMs ?? Infinity);
  return Math.max(10, Math.min(1000, Math.floor(shortest / 4)));
}

/**
 * One timer per hub that sweeps all of its connections (ws's "isAlive" pattern, with times so
 * the contract's 60 s holds exactly): pings those due, drops those silent too long, closes with
 * 4002 those admitted to nothing, and ends sockets at the maximum duration. A dropped socket
 * closes like any other, so presence and "left" follow from the hub's close handling.
 */
export class LivenessSweeper {
  readonly tickMs: number;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly connections: Iterable<Watched>,
    private readonly options: LivenessOptions,
  ) {
    this.tickMs = sweepInterval(options);
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.sweep(Date.now()), this.tickMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  sweep(now: number): void {
    for (const w of this.connections) enforce(w, now, this.options, this.tickMs);
  }
}

/**
 * Pongs find their connection through this map and one shared listener (`this` is the socket),
 * so watching a socket adds no closure to it.
 */
const watchedBySocket = new WeakMap<WebSocket, Watched>();

function answered(this: WebSocket): void {
  const w = watchedBySocket.get(this);
  if (w) w.unansweredSince = 0;
}

/** Marks `w` as answering whenever its socket receives a pong. */
export function watchPongs(ws: WebSocket, w: Watched): void {
  watchedBySocket.set(ws, w);
  ws.on("pong", answered);
}
