import { nanoid } from "nanoid";
import { checkText, defaultMessage, TYPING_THROTTLE_MS, type ServerFrame } from "../protocol";
import type { ConnectionEvents, SocketLike } from "./connection";
import { RoomChannelHost } from "./realtime/room-host";
import { FallbackConnection } from "./fallback";
import { newClientId } from "./identity";
import { addEntry, dueEntries, findEntry, markWritten, nextRetryAt, removeEntry, resend } from "./outbox";
import { applyFrame, disconnected, emptySnapshot, ended, isEnded, type RoomSnapshot } from "./room-state";
import { RoomSession } from "./session";
import { expireTypers, nextTypingExpiry, TYPING_TTL_MS, TypingThrottle } from "./typing";

export type { ConnectionStatus, EndReason, JoinedInfo, RoomSnapshot } from "./room-state";
export type { TypingUser } from "./typing";

/**
 * One tab's connection to one room, independent of React (hooks/use-room-socket.ts wraps it).
 * Wires the session (socket, reconnects) to the room state (room-state.ts), writes the outbox when
 * joined and again when a retry is due, and expires typing indicators.
 */

export type SendResult = { ok: true; nonce: string } | { ok: false; message: string };

export type RoomClientOptions = {
  url: string;
  room: string;
  clientId: string;
  /** The token an earlier `joined` gave this clientId (this tab's, from sessionStorage). */
  clientToken?: string | undefined;
  /**
   * The tab's identity changed: a `joined` handed out a token, or the server said the clientId is
   * taken and this client moved to a new one. Persist it so the next join (any room) proves it.
   */
  onIdentity?: (clientId: string, clientToken: string | undefined) => void;
  /** Where a new clientId comes from after `client_taken` (tests). */
  newClientId?: () => string;
  name: string;
  /** For tests; defaults to the global WebSocket. */
  createSocket?: (url: string) => SocketLike;
  now?: () => number;
  random?: () => number;
  pingIntervalMs?: number;
  /** No frame at all this long after a ping: the connection is dead. */
  pongTimeoutMs?: number;
  /** No `joined` this long after opening: give up on this attempt. */
  connectTimeoutMs?: number;
  typingThrottleMs?: number;
  /** How long "X is typing…" lasts after their last typing frame. */
  typingTtlMs?: number;
  /** Listen to the browser's online/offline events (default true when `window` exists). */
  watchNetwork?: boolean;
};

export class RoomClient {
  readonly room: string;
  private currentClientId: string;
  private clientToken: string | undefined;
  private readonly onIdentity: RoomClientOptions["onIdentity"];
  private readonly newClientId: () => string;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly typingTtlMs: number;
  private readonly typingThrottle: TypingThrottle;
  private readonly session: RoomSession;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private typingTimer: ReturnType<typeof setTimeout> | undefined;
  private snapshot: RoomSnapshot;
  private readonly listeners = new Set<() => void>();
  /** Lets a ChannelClient ride this room's socket (lib/client/realtime/room-host.ts). */
  readonly channelHost: RoomChannelHost;

  constructor(options: RoomClientOptions) {
    this.room = options.room;
    this.currentClientId = options.clientId;
    this.clientToken = options.clientToken;
    this.onIdentity = options.onIdentity;
    this.newClientId = options.newClientId ?? newClientId;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.typingTtlMs = options.typingTtlMs ?? TYPING_TTL_MS;
    this.typingThrottle = new TypingThrottle(options.typingThrottleMs ?? TYPING_THROTTLE_MS);
    this.snapshot = emptySnapshot(this.room, this.clientId, options.name);
    this.session = new RoomSession(
      {
        url: options.url,
        createSocket: options.createSocket ?? ((url) => new WebSocket(url) as unknown as SocketLike),
        now: this.now,
        random: this.random,
        pingIntervalMs: options.pingIntervalMs ?? 25_000,
        pongTimeoutMs: options.pongTimeoutMs ?? 10_000,
        connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
        watchNetwork: options.watchNetwork ?? typeof window !== "undefined",
        ...(typeof EventSource !== "undefined" ? this.fallback() : {}),
      },
      {
        joinFrame: () => this.joinFrame(),
        frame: (frame) => this.onFrame(frame),
        status: (status) => {
          this.channelHost.roomStatus(status.state === "connecting");
          this.set(disconnected(this.snapshot, status));
        },
        ended: (reason) => this.end(ended(this.snapshot, reason)),
      },
    );
    this.channelHost = new RoomChannelHost(this.session);
  }

  /** In a browser: SSE + POST for when its WebSocket cannot get through (see session.ts). */
  private fallback() {
    return {
      createFallback: (events: ConnectionEvents) =>
        new FallbackConnection(
          {
            room: this.room,
            clientId: () => this.clientId,
            clientToken: () => this.clientToken,
            onClientToken: (token) => this.adoptToken(token),
            name: () => this.snapshot.name,
            since: () => this.snapshot.messages.at(-1)?.id,
            createEventSource: (url) => new EventSource(url),
            fetch: (input, init) => fetch(input, init),
          },
          events,
        ),
      siteReachable: async () => (await fetch("/api/health", { cache: "no-store" })).ok,
    };
  }

  /** This tab's clientId in the room; a new one after `client_taken`. */
  get clientId(): string {
    return this.currentClientId;
  }

  private joinFrame() {
    const { room, clientId, name, messages } = this.snapshot;
    const since = messages.at(-1)?.id;
    const token = this.clientToken;
    return {
      type: "join",
      room,
      clientId,
      name,
      ...(since ? { since } : {}),
      ...(token ? { clientToken: token } : {}),
    } as const;
  }

  // ---- identity ----

  private adoptToken(token: string): void {
    if (!token || token === this.clientToken) return;
    this.clientToken = token;
    this.onIdentity?.(this.clientId, token);
  }

  /**
   * Another tab owns this clientId: take a new one (the name stays) and join again at once on the
   * same connection, which the server keeps open; a refused post is resent under the new one.
   */
  private takeNewClientId(nonce: string | undefined): void {
    // The id changes before anyone is told, so whoever re-renders on either notice sees the new one.
    this.currentClientId = this.newClientId();
    this.clientToken = undefined;
    this.onIdentity?.(this.currentClientId, undefined);
    this.set({ ...this.snapshot, clientId: this.currentClientId });
    if (nonce !== undefined && findEntry(this.snapshot.outbox, nonce)) this.retry(nonce);
    else this.session.send(this.joinFrame());
  }

  // ---- store interface (useSyncExternalStore) ----

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): RoomSnapshot => this.snapshot;

  private set(next: RoomSnapshot): void {
    if (next === this.snapshot) return;
    this.snapshot = next;
    for (const l of [...this.listeners]) l();
  }

  // ---- lifecycle ----

  /** Connects (again after stop()), keeping messages and outbox. Does nothing once the room ended. */
  start(): void {
    if (!isEnded(this.snapshot)) this.session.start();
  }

  /** Closes the socket and cancels every timer; start() may resume. */
  stop(): void {
    this.session.stop();
    clearTimeout(this.retryTimer);
    clearTimeout(this.typingTimer);
  }

  /** The protocol has no rename: rejoin at once under the new name (messages and outbox stay). */
  setName(name: string): void {
    if (name === this.snapshot.name) return;
    this.set({ ...this.snapshot, name });
    this.session.rejoin();
  }

  /** Skips the backoff wait (a "Retry now" button). */
  reconnectNow(): void {
    this.session.reconnectNow();
  }

  // ---- actions ----

  send = (raw: string): SendResult => {
    const check = checkText(raw);
    if (!check.ok) return { ok: false, message: defaultMessage(check.code) };
    const { status } = this.snapshot;
    if (status.state === "ended") return { ok: false, message: status.message };
    const nonce = nanoid();
    const entry = { nonce, text: check.text, createdAt: this.now(), status: "sending" } as const;
    this.set({ ...this.snapshot, outbox: addEntry(this.snapshot.outbox, entry) });
    this.flushOutbox();
    return { ok: true, nonce };
  };

  /** Tries a failed message again, with its original nonce. */
  retry = (nonce: string): void => {
    this.set({ ...this.snapshot, outbox: resend(this.snapshot.outbox, nonce) });
    this.flushOutbox();
  };

  discard = (nonce: string): void => {
    const outbox = removeEntry(this.snapshot.outbox, nonce);
    if (outbox !== this.snapshot.outbox) this.set({ ...this.snapshot, outbox });
  };

  /** Call on every keystroke; sends at most one typing frame per throttle window. */
  notifyTyping = (): void => {
    if (this.session.isJoined && this.typingThrottle.take(this.now())) this.session.send({ type: "typing" });
  };

  // ---- frames ----

  private onFrame(frame: ServerFrame): void {
    if (this.channelHost.take(frame)) return;
    const next = applyFrame(this.snapshot, frame, {
      now: this.now(),
      random: this.random,
      typingTtlMs: this.typingTtlMs,
    });
    if (isEnded(next)) return this.end(next);
    if (frame.type === "joined") this.adoptToken(frame.clientToken);
    const viaFallback = frame.type === "joined" && this.session.transport === "fallback";
    this.set(viaFallback ? { ...next, status: { state: "connected", via: "fallback" } } : next);
    if (frame.type === "joined") this.channelHost.joined();
    if (frame.type === "history") this.flushOutbox();
    if (frame.type === "error" && frame.code === "client_taken") this.takeNewClientId(frame.nonce);
    else if (frame.type === "error") this.scheduleRetry();
    if (frame.type === "typing") this.scheduleTypingSweep();
  }

  private end(next: RoomSnapshot): void {
    this.session.end();
    this.channelHost.ended();
    clearTimeout(this.retryTimer);
    clearTimeout(this.typingTimer);
    this.set(next);
  }

  /** Writes what is due on the current connection (once joined), then waits for the next retry. */
  private flushOutbox(): void {
    if (!this.session.isJoined) return;
    const generation = this.session.currentGeneration;
    let outbox = this.snapshot.outbox;
    for (const e of dueEntries(outbox, generation, this.now())) {
      if (!this.session.send({ type: "message", text: e.text, nonce: e.nonce })) break;
      outbox = markWritten(outbox, e.nonce, generation);
    }
    this.set({ ...this.snapshot, outbox });
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    clearTimeout(this.retryTimer);
    const next = nextRetryAt(this.snapshot.outbox);
    if (next === undefined) return;
    this.retryTimer = setTimeout(() => this.flushOutbox(), Math.max(0, next - this.now()));
  }

  private scheduleTypingSweep(): void {
    clearTimeout(this.typingTimer);
    const next = nextTypingExpiry(this.snapshot.typing);
    if (next === undefined) return;
    this.typingTimer = setTimeout(
      () => {
        this.set({ ...this.snapshot, typing: expireTypers(this.snapshot.typing, this.now()) });
        this.scheduleTypingSweep();
      },
      Math.max(0, next - this.now()) + 5,
    );
  }
}
