import { nanoid } from "nanoid";
import {
  checkText,
  parseServerFrame,
  TYPING_THROTTLE_MS,
  type ClientFrameInput,
  type DestroyReason,
  type Message,
  type PresenceUser,
  type ServerFrame,
} from "../protocol";
import { backoffDelay } from "./backoff";
import { mergeMessages, replaceMessages } from "./messages";
import { Outbox, type OutboxEntry } from "./outbox";

/**
 * One tab's connection to one room, independent of React (hooks/use-room-socket.ts wraps it).
 * Keeps the room's messages sorted and de-duplicated, an outbox that survives reconnects, presence
 * and typing, and reconnects with backoff until the room ends.
 */

/** Close codes after which reconnecting cannot help. */
export const TERMINAL_CLOSE_CODES = { unauthorized: 4001, roomNotFound: 4004, roomEnded: 4010 } as const;

export type EndReason = DestroyReason | "room_not_found" | "unauthorized";

export type ConnectionStatus =
  | { state: "idle" }
  /** `attempt` 0 is the first connection; more means a reconnect is under way. */
  | { state: "connecting"; attempt: number }
  | { state: "connected" }
  | { state: "reconnecting"; attempt: number; retryAt: number }
  | { state: "offline" }
  | { state: "ended"; reason: EndReason; message: string };

export type TypingUser = { clientId: string; name: string };

export type JoinedInfo = { connectionId: string; expiresAt: number | null; capacity: number | null };

export type RoomSnapshot = {
  room: string;
  clientId: string;
  name: string;
  status: ConnectionStatus;
  /** Sorted by id, unique by id. */
  messages: readonly Message[];
  /** This tab's messages not yet seen in `messages`: sending, sent (acked) or failed. */
  outbox: readonly OutboxEntry[];
  presence: { count: number; users: readonly PresenceUser[] } | null;
  typing: readonly TypingUser[];
  /** From the last `joined` frame; null while not connected. */
  joined: JoinedInfo | null;
  /** The latest problem worth telling the person about, if any. */
  notice: string | null;
};

/** A room before anything was received. */
export function emptySnapshot(room: string, clientId: string, name: string): RoomSnapshot {
  return {
    room,
    clientId,
    name,
    status: { state: "idle" },
    messages: [],
    outbox: [],
    presence: null,
    typing: [],
    joined: null,
    notice: null,
  };
}

export type SendResult = { ok: true; nonce: string } | { ok: false; message: string };

type SocketLike = {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
};

export type RoomClientOptions = {
  url: string;
  room: string;
  clientId: string;
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

const OPEN = 1;

const END_MESSAGES: Record<EndReason, string> = {
  expired: "This room has expired.",
  destroyed: "This room was destroyed.",
  room_not_found: "This room does not exist or has expired.",
  unauthorized: "You do not have a seat in this room.",
};

const FAILED_MESSAGES: Record<string, string> = {
  empty: "Messages cannot be empty.",
  too_long: "Messages can be at most 1000 characters.",
  bad_frame: "The server could not accept this message.",
};

export class RoomClient {
  readonly room: string;
  readonly clientId: string;
  private name: string;
  private readonly url: string;
  private readonly createSocket: (url: string) => SocketLike;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly pingIntervalMs: number;
  private readonly pongTimeoutMs: number;
  private readonly connectTimeoutMs: number;
  private readonly typingThrottleMs: number;
  private readonly typingTtlMs: number;
  private readonly watchNetwork: boolean;

  private ws: SocketLike | null = null;
  private generation = 0;
  private attempt = 0;
  private joinedNow = false;
  private disposed = false;
  private started = false;
  private pendingEnd: DestroyReason | "room_not_found" | "unauthorized" | undefined;
  private lastTypingSent = 0;
  private readonly typers = new Map<string, { name: string; until: number }>();
  private readonly outbox = new Outbox();

  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private connectTimer: ReturnType<typeof setTimeout> | undefined;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private deadTimer: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private typingTimer: ReturnType<typeof setTimeout> | undefined;

  private snapshot: RoomSnapshot;
  private readonly listeners = new Set<() => void>();

  constructor(options: RoomClientOptions) {
    this.url = options.url;
    this.room = options.room;
    this.clientId = options.clientId;
    this.name = options.name;
    this.createSocket = options.createSocket ?? ((url) => new WebSocket(url) as unknown as SocketLike);
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.pingIntervalMs = options.pingIntervalMs ?? 25_000;
    this.pongTimeoutMs = options.pongTimeoutMs ?? 10_000;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    this.typingThrottleMs = options.typingThrottleMs ?? TYPING_THROTTLE_MS;
    this.typingTtlMs = options.typingTtlMs ?? 3000;
    this.watchNetwork = options.watchNetwork ?? typeof window !== "undefined";
    this.snapshot = emptySnapshot(this.room, this.clientId, this.name);
  }

  // ---- store interface (useSyncExternalStore) ----

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): RoomSnapshot => this.snapshot;

  private update(patch: Partial<RoomSnapshot>): void {
    this.snapshot = { ...this.snapshot, outbox: this.outbox.list(), ...patch };
    for (const l of [...this.listeners]) l();
  }

  // ---- lifecycle ----

  start(): void {
    if (this.started || this.disposed) return;
    this.started = true;
    if (this.watchNetwork) {
      window.addEventListener("online", this.onOnline);
      window.addEventListener("offline", this.onOffline);
    }
    if (this.isOffline()) this.update({ status: { state: "offline" } });
    else this.connect();
  }

  /** Closes the socket for good; the client cannot be started again. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.watchNetwork && this.started) {
      window.removeEventListener("online", this.onOnline);
      window.removeEventListener("offline", this.onOffline);
    }
    this.clearConnectionTimers();
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.retryTimer);
    clearTimeout(this.typingTimer);
    const ws = this.ws;
    this.ws = null;
    this.detach(ws);
    this.listeners.clear();
  }

  /** The protocol has no rename: reconnect at once under the new name (messages and outbox stay). */
  setName(name: string): void {
    if (name === this.name) return;
    this.name = name;
    this.update({ name });
    if (!this.started || this.disposed || this.isEnded()) return;
    const ws = this.ws;
    this.ws = null;
    this.detach(ws);
    this.clearConnectionTimers();
    clearTimeout(this.reconnectTimer);
    this.attempt = 0;
    if (this.isOffline()) this.update({ status: { state: "offline" }, joined: null });
    else this.connect();
  }

  /** Skips the backoff wait (a "Retry now" button). */
  reconnectNow(): void {
    if (!this.started || this.disposed || this.isEnded() || this.ws) return;
    clearTimeout(this.reconnectTimer);
    this.connect();
  }

  // ---- actions ----

  send = (raw: string): SendResult => {
    const check = checkText(raw);
    if (!check.ok) return { ok: false, message: FAILED_MESSAGES[check.code] ?? "That message cannot be sent." };
    if (this.isEnded()) return { ok: false, message: this.endMessage() };
    const nonce = nanoid();
    this.outbox.add({ nonce, text: check.text, createdAt: this.now(), status: "sending" });
    this.flushOutbox();
    this.update({});
    return { ok: true, nonce };
  };

  /** Tries a failed message again, with its original nonce. */
  retry = (nonce: string): void => {
    if (!this.outbox.update(nonce, { status: "sending", error: undefined, sentOn: undefined, retryAt: undefined }))
      return;
    this.flushOutbox();
    this.update({});
  };

  discard = (nonce: string): void => {
    if (this.outbox.remove(nonce)) this.update({});
  };

  /** Call on every keystroke; sends at most one typing frame per throttle window. */
  notifyTyping = (): void => {
    const now = this.now();
    if (!this.joinedNow || !this.ws || now - this.lastTypingSent < this.typingThrottleMs) return;
    this.lastTypingSent = now;
    this.write({ type: "typing" });
  };

  // ---- connection ----

  private connect(): void {
    if (this.disposed || this.isEnded()) return;
    this.generation++;
    this.joinedNow = false;
    let ws: SocketLike;
    try {
      ws = this.createSocket(this.url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    this.update({ status: { state: "connecting", attempt: this.attempt }, joined: null });
    this.connectTimer = setTimeout(() => this.drop("connect timeout"), this.connectTimeoutMs);
    ws.onopen = () => {
      if (ws !== this.ws) return;
      const since = this.snapshot.messages.at(-1)?.id;
      this.write({
        type: "join",
        room: this.room,
        clientId: this.clientId,
        name: this.name,
        ...(since ? { since } : {}),
      });
    };
    ws.onmessage = (ev) => {
      if (ws !== this.ws) return;
      this.onData(typeof ev.data === "string" ? ev.data : String(ev.data));
    };
    ws.onclose = (ev) => {
      if (ws !== this.ws) return;
      this.ws = null;
      this.onDisconnected(ev.code);
    };
    ws.onerror = () => {
      // A close event follows.
    };
  }

  /** Gives up on the current socket without waiting for its close handshake. */
  private drop(reason: string): void {
    const ws = this.ws;
    if (!ws) return;
    this.ws = null;
    this.detach(ws, 4000, reason);
    this.onDisconnected(1006);
  }

  private detach(ws: SocketLike | null, code = 1000, reason = "bye"): void {
    if (!ws) return;
    ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
    try {
      ws.close(code, reason);
    } catch {
      // Already closed.
    }
  }

  private onDisconnected(code: number): void {
    this.clearConnectionTimers();
    this.joinedNow = false;
    this.typers.clear();
    const end: EndReason | undefined =
      code === TERMINAL_CLOSE_CODES.roomEnded
        ? this.pendingEnd === "destroyed" || this.pendingEnd === "expired"
          ? this.pendingEnd
          : "expired"
        : code === TERMINAL_CLOSE_CODES.roomNotFound
          ? "room_not_found"
          : code === TERMINAL_CLOSE_CODES.unauthorized
            ? "unauthorized"
            : this.snapshot.status.state === "ended"
              ? this.snapshot.status.reason
              : undefined;
    if (end) return this.end(end);
    if (this.disposed) return;
    this.update({ joined: null, typing: [] });
    this.scheduleReconnect();
  }

  private end(reason: EndReason): void {
    this.clearConnectionTimers();
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.retryTimer);
    const ws = this.ws;
    this.ws = null;
    this.detach(ws);
    this.update({ status: { state: "ended", reason, message: END_MESSAGES[reason] }, joined: null, typing: [] });
  }

  private scheduleReconnect(): void {
    clearTimeout(this.reconnectTimer);
    if (this.disposed || this.isEnded()) return;
    if (this.isOffline()) {
      this.update({ status: { state: "offline" } });
      return;
    }
    const delay = backoffDelay(this.attempt, this.random);
    this.attempt++;
    this.update({ status: { state: "reconnecting", attempt: this.attempt, retryAt: this.now() + delay } });
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  private onOnline = (): void => {
    if (this.disposed || this.isEnded() || this.ws) return;
    clearTimeout(this.reconnectTimer);
    this.attempt = 0;
    this.connect();
  };

  private onOffline = (): void => {
    if (this.disposed || this.isEnded()) return;
    if (!this.ws) {
      clearTimeout(this.reconnectTimer);
      this.update({ status: { state: "offline" } });
    }
    // With a socket still open, the ping decides whether it is really dead.
  };

  private isOffline(): boolean {
    return typeof navigator !== "undefined" && navigator.onLine === false;
  }

  private isEnded(): boolean {
    return this.snapshot.status.state === "ended";
  }

  private endMessage(): string {
    const s = this.snapshot.status;
    return s.state === "ended" ? s.message : "This room has ended.";
  }

  private clearConnectionTimers(): void {
    clearTimeout(this.connectTimer);
    clearInterval(this.pingTimer);
    clearTimeout(this.deadTimer);
    this.connectTimer = this.pingTimer = this.deadTimer = undefined;
  }

  private write(frame: ClientFrameInput): boolean {
    const ws = this.ws;
    if (!ws || ws.readyState !== OPEN) return false;
    try {
      ws.send(JSON.stringify(frame));
      return true;
    } catch {
      return false;
    }
  }

  private ping = (): void => {
    if (!this.write({ type: "ping" })) return;
    if (this.deadTimer === undefined) this.deadTimer = setTimeout(() => this.drop("no pong"), this.pongTimeoutMs);
  };

  // ---- frames ----

  private onData(data: string): void {
    clearTimeout(this.deadTimer);
    this.deadTimer = undefined;
    const parsed = parseServerFrame(data);
    if (!parsed.ok) {
      console.warn(`[flare] ignored a frame from the server: ${parsed.message}`);
      return;
    }
    this.onFrame(parsed.frame);
  }

  private onFrame(frame: ServerFrame): void {
    switch (frame.type) {
      case "joined": {
        clearTimeout(this.connectTimer);
        this.connectTimer = undefined;
        this.joinedNow = true;
        this.attempt = 0;
        this.pendingEnd = undefined;
        clearInterval(this.pingTimer);
        this.pingTimer = setInterval(this.ping, this.pingIntervalMs);
        this.update({
          status: { state: "connected" },
          joined: { connectionId: frame.connectionId, expiresAt: frame.expiresAt, capacity: frame.capacity },
          notice: null,
        });
        return;
      }
      case "history": {
        let messages: readonly Message[];
        if (frame.reset) {
          messages = replaceMessages(frame.messages);
          // Acked messages the room no longer shows will not arrive any more.
          this.outbox.removeWhere((e) => e.status === "sent");
        } else {
          messages = mergeMessages(this.snapshot.messages, frame.messages);
        }
        this.reconcile(frame.messages);
        this.snapshot = { ...this.snapshot, messages };
        this.flushOutbox();
        this.update({});
        return;
      }
      case "message": {
        const m = frame.message;
        const messages = mergeMessages(this.snapshot.messages, [m]);
        this.reconcile([m]);
        const typingChanged = this.typers.delete(m.clientId);
        this.update({ messages, ...(typingChanged ? { typing: this.typingList() } : {}) });
        return;
      }
      case "ack": {
        const entry = this.outbox.get(frame.nonce);
        if (!entry) return;
        if (this.snapshot.messages.some((m) => m.id === frame.id)) this.outbox.remove(frame.nonce);
        else this.outbox.update(frame.nonce, { status: "sent", id: frame.id, retryAt: undefined, error: undefined });
        this.update({});
        return;
      }
      case "typing": {
        if (frame.clientId === this.clientId || frame.room !== this.room) return;
        this.typers.set(frame.clientId, { name: frame.name, until: this.now() + this.typingTtlMs });
        this.scheduleTypingSweep();
        this.update({ typing: this.typingList() });
        return;
      }
      case "presence": {
        if (frame.room !== this.room) return;
        const seen = new Set<string>();
        const users = frame.users.filter((u) => !seen.has(u.clientId) && seen.add(u.clientId));
        this.update({ presence: { count: frame.count, users } });
        return;
      }
      case "destroyed": {
        this.pendingEnd = frame.reason;
        this.end(frame.reason);
        return;
      }
      case "error": {
        this.onError(frame.code, frame.message, frame.nonce);
        return;
      }
      case "pong":
        return;
    }
  }

  private onError(code: string, message: string, nonce: string | undefined): void {
    if (code === "room_not_found" || code === "unauthorized") {
      // The server closes with 4004 / 4001 next.
      this.pendingEnd = code;
      this.update({ notice: message });
      return;
    }
    const entry = nonce ? this.outbox.get(nonce) : undefined;
    if (!entry || !nonce) {
      if (code !== "already_joined") this.update({ notice: message });
      return;
    }
    const now = this.now();
    switch (code) {
      case "empty":
      case "too_long":
      case "bad_frame":
        this.outbox.update(nonce, { status: "failed", error: FAILED_MESSAGES[code] ?? message, sentOn: undefined });
        break;
      case "rate_limited":
        this.outbox.update(nonce, { sentOn: undefined, retryAt: now + 1000 + Math.round(this.random() * 500) });
        break;
      default:
        // unavailable (nothing stored: resend with the same nonce), not_joined and anything new.
        this.outbox.update(nonce, { sentOn: undefined, retryAt: now + 2000 + Math.round(this.random() * 1000) });
        break;
    }
    this.scheduleRetry();
    this.update({ notice: code === "unavailable" ? message : this.snapshot.notice });
  }

  /** Own messages that arrived settle their outbox entries (by nonce, or by the acked id). */
  private reconcile(messages: readonly Message[]): void {
    for (const m of messages) {
      if (m.clientId !== this.clientId) continue;
      if (m.nonce) this.outbox.remove(m.nonce);
      this.outbox.removeWhere((e) => e.id === m.id);
    }
  }

  private flushOutbox(): void {
    if (!this.joinedNow || !this.ws) return;
    for (const e of this.outbox.due(this.generation, this.now())) {
      if (!this.write({ type: "message", text: e.text, nonce: e.nonce })) break;
      this.outbox.update(e.nonce, { sentOn: this.generation, retryAt: undefined });
    }
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    clearTimeout(this.retryTimer);
    const next = this.outbox.nextRetryAt();
    if (next === undefined) return;
    this.retryTimer = setTimeout(
      () => {
        this.flushOutbox();
        this.update({});
      },
      Math.max(0, next - this.now()),
    );
  }

  private typingList(): TypingUser[] {
    const now = this.now();
    const list: TypingUser[] = [];
    for (const [clientId, t] of this.typers) if (t.until > now) list.push({ clientId, name: t.name });
    return list;
  }

  private scheduleTypingSweep(): void {
    clearTimeout(this.typingTimer);
    let next: number | undefined;
    for (const t of this.typers.values()) if (next === undefined || t.until < next) next = t.until;
    if (next === undefined) return;
    this.typingTimer = setTimeout(
      () => {
        const now = this.now();
        for (const [id, t] of this.typers) if (t.until <= now) this.typers.delete(id);
        this.update({ typing: this.typingList() });
        this.scheduleTypingSweep();
      },
      Math.max(0, next - this.now()) + 5,
    );
  }
}
