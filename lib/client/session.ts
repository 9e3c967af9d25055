import type { ClientFrameInput, ServerFrame } from "../protocol";
import { backoffDelay } from "./backoff";
import {
  Connection,
  type ConnectionEvents,
  type ConnectionTimings,
  type RoomTransport,
  type SocketLike,
} from "./connection";
import { probeWebSocket } from "./websocket-probe";
import { closeEndReason, type ConnectionStatus, type EndReason } from "./room-state";

/**
 * Keeps one room connected: opens a Connection, and after it is lost opens the next one with
 * backoff (at once when the browser comes back online), until the room ends or stop().
 *
 * When WebSocket attempts keep failing before `joined` while the site itself answers (a deployment
 * or a proxy without WebSocket support), it switches to the fallback transport (SSE + POST), and
 * from there tries a WebSocket now and then, going back to one as soon as it gets through.
 */

/** Attempts in a row that ended before `joined`, each with the site answering, before the fallback. */
const FALLBACK_AFTER_FAILURES = 2;
/** How often a tab on the fallback tries whether a WebSocket gets through again. */
const WEBSOCKET_RETRY_MS = 60_000;

export type SessionOptions = ConnectionTimings & {
  url: string;
  createSocket: (url: string) => SocketLike;
  now: () => number;
  random: () => number;
  /** Listen to the browser's online/offline events. */
  watchNetwork: boolean;
  /** The SSE + POST transport, where the environment has one. */
  createFallback?: (events: ConnectionEvents) => RoomTransport;
  /** Resolves true when the site answers HTTP (so a failing WebSocket is the WebSocket's fault). */
  siteReachable?: () => Promise<boolean>;
  /** Default WEBSOCKET_RETRY_MS. */
  websocketRetryMs?: number;
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

export type Transport = "websocket" | "fallback";

export class RoomSession {
  private connection: RoomTransport | null = null;
  private transportKind: Transport = "websocket";
  /** WebSocket attempts in a row that ended before `joined`. */
  private failures = 0;
  private generation = 0;
  private attempt = 0;
  private running = false;
  private over = false;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private websocketRetryTimer: ReturnType<typeof setTimeout> | undefined;

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

  get transport(): Transport {
    return this.transportKind;
  }

  start(): void {
    if (this.running || this.over) return;
    this.running = true;
    this.watchNetwork("addEventListener");
    if (this.transportKind === "fallback") this.scheduleWebSocketRetry();
    this.connectUnlessOffline();
  }

  /** Closes the socket and stops reconnecting; start() resumes. */
  stop(): void {
    if (!this.running) return;
    this.running = false;
    this.watchNetwork("removeEventListener");
    clearTimeout(this.websocketRetryTimer);
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
    let joined = false;
    const events: ConnectionEvents = {
      open: () => connection.send(this.events.joinFrame()),
      frame: (frame) => {
        if (frame.type === "joined") {
          joined = true;
          this.attempt = 0;
          this.failures = 0;
        }
        this.events.frame(frame);
      },
      closed: (code) => this.onClosed(code, joined),
    };
    let connection: RoomTransport;
    try {
      connection =
        this.transportKind === "fallback" && this.options.createFallback
          ? this.options.createFallback(events)
          : new Connection(this.options.createSocket(this.options.url), this.options, events);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.connection = connection;
    this.events.status({ state: "connecting", attempt: this.attempt });
  }

  private onClosed(code: number, joined: boolean): void {
    this.connection = null;
    const reason = closeEndReason(code);
    if (!reason) {
      if (!joined && this.transportKind === "websocket") void this.failedBeforeJoin();
      return this.scheduleReconnect();
    }
    this.end();
    this.events.ended(reason);
  }

  /**
   * A WebSocket attempt ended before `joined`. It counts toward the fallback only when the site
   * answers HTTP right after: a server that is restarting refuses both, and must not move the tab
   * off WebSockets.
   */
  private async failedBeforeJoin(): Promise<void> {
    if (!this.options.createFallback || !this.options.siteReachable) return;
    const reachable = await this.options.siteReachable().catch(() => false);
    if (!this.running || this.transportKind === "fallback" || this.isJoined) return;
    if (!reachable) {
      this.failures = 0;
      return;
    }
    if (++this.failures < FALLBACK_AFTER_FAILURES) return;
    this.transportKind = "fallback";
    this.scheduleWebSocketRetry();
    this.reconnectNow();
  }

  private scheduleWebSocketRetry(): void {
    clearTimeout(this.websocketRetryTimer);
    const delay = this.options.websocketRetryMs ?? WEBSOCKET_RETRY_MS;
    this.websocketRetryTimer = setTimeout(() => void this.retryWebSocket(), delay);
  }

  /** On the fallback: when a WebSocket opens again, the room moves back to one. */
  private async retryWebSocket(): Promise<void> {
    if (!this.running || this.transportKind !== "fallback") return;
    const opened = await probeWebSocket(this.options.createSocket, this.options.url, this.options.connectTimeoutMs);
    if (!this.running || this.transportKind !== "fallback") return;
    if (!opened) return this.scheduleWebSocketRetry();
    this.transportKind = "websocket";
    this.failures = 0;
    this.rejoin();
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
