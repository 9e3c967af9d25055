import type { ClientFrameInput, ServerFrame } from "../protocol";
import { backoffDelay } from "./backoff";
import { Connection, type ConnectionTimings, type SocketLike } from "./connection";
import { closeEndReason, type ConnectionStatus, type EndReason } from "./room-state";

/**
 * Keeps one room connected: opens a Connection, and after it is lost opens the next one with
 * backoff (at once when the browser comes back online), until the room ends or stop().
 */

export type SessionOptions = ConnectionTimings & {
  url: string;
  createSocket: (url: string) => SocketLike;
  now: () => number;
  random: () => number;
  /** Listen to the browser's online/offline events. */
  watchNetwork: boolean;
};

export type SessionEvents = {
  /** The frame to send once a socket opens. */
  joinFrame(): ClientFrameInput;
  frame(frame: ServerFrame): void;
  /** Connecting, reconnecting or offline: not joined any more. */
  status(status: ConnectionStatus): void;
  /** A close code said the room is over; nothing reconnects. */
  ended(reason: EndReason): void;
};

export class RoomSession {
  private connection: Connection | null = null;
  private generation = 0;
  private attempt = 0;
  private running = false;
  private over = false;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly options: SessionOptions,
    private readonly events: SessionEvents,
  ) {}

  /** Counts sockets; a message written on an older one is resent on the current one. */
  get currentGeneration(): number {
    return this.generation;
  }

  get isJoined(): boolean {
    return this.connection?.isJoined ?? false;
  }

  start(): void {
    if (this.running || this.over) return;
    this.running = true;
    this.watchNetwork("addEventListener");
    this.connectUnlessOffline();
  }

  /** Closes the socket and stops reconnecting; start() resumes. */
  stop(): void {
    if (!this.running) return;
    this.running = false;
    this.watchNetwork("removeEventListener");
    this.closeConnection();
  }

  /** The room is over: close for good. */
  end(): void {
    this.over = true;
    this.stop();
  }

  /** A fresh join at once (e.g. under a new name), skipping any backoff. */
  rejoin(): void {
    if (!this.running) return;
    this.closeConnection();
    this.attempt = 0;
    this.connectUnlessOffline();
  }

  /** Skips the backoff wait (a "Retry now" button). */
  reconnectNow(): void {
    if (!this.running || this.connection) return;
    clearTimeout(this.reconnectTimer);
    this.connect();
  }

  send(frame: ClientFrameInput): boolean {
    return this.connection?.send(frame) ?? false;
  }

  private watchNetwork(method: "addEventListener" | "removeEventListener"): void {
    if (!this.options.watchNetwork) return;
    window[method]("online", this.onOnline);
    window[method]("offline", this.onOffline);
  }

  private closeConnection(): void {
    clearTimeout(this.reconnectTimer);
    this.connection?.close();
    this.connection = null;
  }

  private connectUnlessOffline(): void {
    if (isOffline()) this.events.status({ state: "offline" });
    else this.connect();
  }

  private connect(): void {
    if (!this.running) return;
    this.generation++;
    let ws: SocketLike;
    try {
      ws = this.options.createSocket(this.options.url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    const connection = new Connection(ws, this.options, {
      open: () => connection.send(this.events.joinFrame()),
      frame: (frame) => {
        if (frame.type === "joined") this.attempt = 0;
        this.events.frame(frame);
      },
      closed: (code) => this.onClosed(code),
    });
    this.connection = connection;
    this.events.status({ state: "connecting", attempt: this.attempt });
  }

  private onClosed(code: number): void {
    this.connection = null;
    const reason = closeEndReason(code);
    if (!reason) return this.scheduleReconnect();
    this.end();
    this.events.ended(reason);
  }

  private scheduleReconnect(): void {
    clearTimeout(this.reconnectTimer);
    if (!this.running) return;
    if (isOffline()) return this.events.status({ state: "offline" });
    const delay = backoffDelay(this.attempt, this.options.random);
    this.attempt++;
    this.events.status({ state: "reconnecting", attempt: this.attempt, retryAt: this.options.now() + delay });
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  private onOnline = (): void => {
    if (!this.running || this.connection) return;
    clearTimeout(this.reconnectTimer);
    this.attempt = 0;
    this.connect();
  };

  private onOffline = (): void => {
    // With a socket still open, the ping decides whether it is really dead.
    if (!this.running || this.connection) return;
    clearTimeout(this.reconnectTimer);
    this.events.status({ state: "offline" });
  };
}

function isOffline(): boolean {
  return typeof navigator !== "undefined" && navigator.onLine === false;
}
