import type { Bus, RoomEvent, RoomListener } from "../bus/types";
import { CLOSE_CODES, type DestroyReason, HISTORY_ON_JOIN, type Message, type ServerFrame } from "../protocol";
import type { RoomMember } from "./member";

/**
 * One room as seen by this instance: its local connections and the bus subscription that feeds
 * them. Every connection gets the room's messages in id order, with nothing missing between its
 * history and the live frames: a joiner is registered (buffering live messages) before its history
 * is read, and the room's subscription cursor starts at the first joiner's history.
 */
export class LocalRoom {
  /** WebSocket connections and server-side subscribers of this room on this instance. */
  readonly connections = new Set<RoomMember>();
  private expiryTimer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  /** Resolves once the bus subscription exists; later joiners wait for it before reading history. */
  private subscribed: Promise<void> | undefined;
  private presenceTimer: NodeJS.Timeout | undefined;
  private resetting = false;

  constructor(
    readonly id: string,
    private readonly bus: Bus,
    private readonly onEmpty: (room: LocalRoom) => void,
    /** The store restarted empty: the hub re-registers this room's presence. */
    private readonly onReset: (room: LocalRoom) => void = () => {},
  ) {}

  /**
   * Sends `history` to a connection and starts its live feed. Rejects (leaving the connection
   * out of the room) when the bus cannot be read.
   */
  async attach(conn: RoomMember, since: string | undefined, limit = HISTORY_ON_JOIN): Promise<void> {
    if (this.subscribed) {
      await this.subscribed;
      conn.pending = [];
      this.connections.add(conn);
      try {
        const history = await this.bus.history(this.id, since, limit);
        this.sendHistory(conn, history.messages, history.reset, since);
      } catch (e) {
        this.detach(conn);
        throw e;
      }
      return;
    }
    conn.pending = [];
    this.connections.add(conn);
    let release!: () => void;
    let fail!: (e: unknown) => void;
    this.subscribed = new Promise<void>((resolve, reject) => {
      release = resolve;
      fail = reject;
    });
    this.subscribed.catch(() => {});
    try {
      const history = await this.bus.history(this.id, since, limit);
      const cursor = history.messages.at(-1)?.id ?? (history.reset ? "0-0" : (since ?? "0-0"));
      this.unsubscribe = this.bus.subscribe(this.id, cursor, this.listener);
      release();
      this.sendHistory(conn, history.messages, history.reset, since);
    } catch (e) {
      this.subscribed = undefined;
      fail(e);
      this.detach(conn);
      throw e;
    }
  }

  private sendHistory(conn: RoomMember, messages: Message[], reset: boolean, since: string | undefined): void {
    conn.push({ type: "history", room: this.id, messages, reset });
    conn.lastId = messages.at(-1)?.id ?? (reset ? "0-0" : (since ?? "0-0"));
  }

  /** Releases what arrived while the connection's history was in flight. Call after `presence`. */
  flush(conn: RoomMember): void {
    const buffered = conn.pending ?? [];
    conn.pending = null;
    for (const m of buffered) conn.deliver(m);
  }

  detach(conn: RoomMember): void {
    if (!this.connections.delete(conn)) return;
    if (this.connections.size === 0) {
      this.unsubscribe?.();
      this.unsubscribe = undefined;
      this.subscribed = undefined;
      clearTimeout(this.presenceTimer);
      clearTimeout(this.expiryTimer);
      this.expiryTimer = undefined;
      this.onEmpty(this);
    }
  }

  /** A private room ends itself at its expiry on every instance that holds it. */
  expireAt(expiresAt: number): void {
    if (this.expiryTimer) return;
    this.expiryTimer = setTimeout(() => this.end("expired"), Math.max(0, expiresAt - Date.now()));
    this.expiryTimer.unref();
  }

  hasClient(clientId: string): boolean {
    for (const c of this.connections) if (c.clientId === clientId) return true;
    return false;
  }

  /** Sends a frame to every joined connection, optionally skipping one clientId's connections. */
  broadcast(frame: ServerFrame, exceptClientId?: string): void {
    const json = JSON.stringify(frame);
    for (const c of this.connections) {
      if (c.state !== "joined" || c.clientId === exceptClientId) continue;
      c.push(frame, json);
    }
  }

  /** Recomputes presence (coalesced) and broadcasts it when the set of users changed. */
  schedulePresence(): void {
    if (this.presenceTimer) return;
    this.presenceTimer = setTimeout(() => {
      this.presenceTimer = undefined;
      void this.refreshPresence();
    }, presenceDelayMs(this.connections.size));
  }

  async presenceFrame(): Promise<ServerFrame> {
    const users = await this.bus.presence.list(this.id);
    return { type: "presence", room: this.id, count: users.length, users };
  }

  /** Sends presence to one connection and remembers it as the room's current set. */
  async sendPresence(conn: RoomMember): Promise<void> {
    const frame = await this.presenceFrame();
    const json = JSON.stringify(frame);
    conn.lastPresence = json;
    conn.push(frame, json);
  }

  private async refreshPresence(): Promise<void> {
    if (this.connections.size === 0) return;
    try {
      const frame = await this.presenceFrame();
      const json = JSON.stringify(frame);
      for (const c of this.connections) {
        if (c.state !== "joined" || c.lastPresence === json) continue;
        c.lastPresence = json;
        c.push(frame, json);
      }
    } catch {
      // The bus is down; the next change or heartbeat recomputes presence.
    }
  }

  /** Tells every connection the room ended and closes them with 4010. */
  end(reason: DestroyReason): void {
    const frame = { type: "destroyed", room: this.id, reason } as const;
    const json = JSON.stringify(frame);
    for (const c of [...this.connections]) {
      c.push(frame, json);
      c.close(CLOSE_CODES.roomEnded, reason);
    }
  }

  private readonly listener: RoomListener = {
    message: (message) => {
      const json = JSON.stringify({ type: "message", message });
      for (const c of this.connections) c.deliver(message, json);
    },
    event: (event) => this.onEvent(event),
    reset: () => void this.resendHistory(),
  };

  onEvent(event: RoomEvent): void {
    switch (event.kind) {
      case "typing":
        this.broadcast({ type: "typing", room: this.id, clientId: event.clientId, name: event.name }, event.clientId);
        return;
      case "presence":
        this.schedulePresence();
        return;
      case "destroyed":
        this.end(event.reason);
        return;
    }
  }

  /** The log restarted: every connection gets the newest history with `reset:true`. */
  private async resendHistory(): Promise<void> {
    if (this.resetting) return;
    this.resetting = true;
    const conns = [...this.connections].filter((c) => c.state === "joined");
    for (const c of conns) c.pending = [];
    try {
      const history = await this.bus
        .history(this.id, undefined, HISTORY_ON_JOIN)
        .catch(() => delay(RESET_RETRY_MS).then(() => this.bus.history(this.id, undefined, HISTORY_ON_JOIN)));
      for (const c of conns) {
        this.sendHistory(c, history.messages, true, undefined);
        const buffered = c.pending ?? [];
        c.pending = null;
        for (const m of buffered) c.deliver(m);
      }
    } catch {
      for (const c of conns) {
        c.pending = null;
        c.close(CLOSE_CODES.tryAgainLater, "try again later");
      }
    } finally {
      this.resetting = false;
    }
    for (const c of this.connections) c.lastPresence = "";
    this.onReset(this);
  }
}

/** After a failed history read on reset, one more try before the sockets are asked to reconnect. */
const RESET_RETRY_MS = 500;

/**
 * Presence frames carry the whole user list to every member, so a join in a room of n people
 * costs O(n) frames of O(n) bytes. Bigger rooms coalesce changes over a longer window (well
 * inside the contract's 1 s).
 */
export function presenceDelayMs(members: number): number {
  if (members <= 20) return 25;
  if (members <= 200) return 150;
  return 400;
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}
