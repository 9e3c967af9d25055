import { backoffDelay } from "../backoff";
import { Connection, type SocketLike } from "../connection";
import type { ChannelFrameOut, ChannelTransport, ChannelTransportEvents } from "./transport";

export type SocketTransportOptions = {
  /** ws(s)://…/api/ws */
  url: string;
  /** For tests; defaults to the global WebSocket. */
  createSocket?: (url: string) => SocketLike;
  random?: () => number;
  pingIntervalMs?: number;
  /** No frame at all this long after a ping: the socket is dead. */
  pongTimeoutMs?: number;
  /** Not open this long after the attempt began: give up on it. */
  connectTimeoutMs?: number;
  /** Reconnect at once when the browser comes back online (default true when `window` exists). */
  watchNetwork?: boolean;
};

/**
 * A WebSocket of the ChannelClient's own, for pages without a room connection to share: opens,
 * pings, and after a loss opens the next one with backoff until stop().
 */
export class SocketTransport implements ChannelTransport {
  private events: ChannelTransportEvents | null = null;
  private connection: Connection | null = null;
  private attempt = 0;
  private lost = false;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly createSocket: (url: string) => SocketLike;
  private readonly random: () => number;
  private readonly watchNetwork: boolean;

  constructor(private readonly options: SocketTransportOptions) {
    this.createSocket = options.createSocket ?? ((url) => new WebSocket(url) as unknown as SocketLike);
    this.random = options.random ?? Math.random;
    this.watchNetwork = options.watchNetwork ?? typeof window !== "undefined";
  }

  start(events: ChannelTransportEvents): void {
    if (this.events) return;
    this.events = events;
    this.lost = false;
    this.attempt = 0;
    if (this.watchNetwork) window.addEventListener("online", this.onOnline);
    this.connect();
  }

  stop(): void {
    if (!this.events) return;
    this.events = null;
    if (this.watchNetwork) window.removeEventListener("online", this.onOnline);
    clearTimeout(this.reconnectTimer);
    this.connection?.close();
    this.connection = null;
  }

  send(frame: ChannelFrameOut): boolean {
    return this.connection?.isJoined === true && this.connection.send(frame);
  }

  private connect(): void {
    const events = this.events;
    if (!events) return;
    let connection: Connection | null = null;
    try {
      connection = new Connection(
        this.createSocket(this.options.url),
        {
          pingIntervalMs: this.options.pingIntervalMs ?? 25_000,
          pongTimeoutMs: this.options.pongTimeoutMs ?? 10_000,
          connectTimeoutMs: this.options.connectTimeoutMs ?? 10_000,
        },
        {
          open: () => {
            events.status("connected");
            events.open();
          },
          frame: (frame) => {
            this.attempt = 0;
            events.frame(frame);
          },
          closed: () => {
            if (this.connection === connection) this.onClosed();
          },
        },
        "open",
      );
    } catch {
      return this.onClosed();
    }
    this.connection = connection;
    events.status(this.lost ? "reconnecting" : "connecting");
  }

  private onClosed(): void {
    this.connection = null;
    this.lost = true;
    if (!this.events) return;
    this.events.status("reconnecting");
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => this.connect(), backoffDelay(this.attempt++, this.random));
  }

  private onOnline = (): void => {
    if (!this.events || this.connection) return;
    clearTimeout(this.reconnectTimer);
    this.attempt = 0;
    this.connect();
  };
}
