import type { RawData, WebSocket } from "ws";
import type { Bus, RoomEvent } from "../bus/types";
import {
  CLOSE_CODES,
  FlareError,
  isFlareError,
  type JoinFrame,
  type MessageFrame,
  parseClientFrame,
} from "../protocol";
import { Connection, type ConnectionContext } from "./connection";
import { LocalRoom } from "./local-room";
import type { RoomMember } from "./member";
import type { RoomAccess, RoomInfo } from "./room-access";

export type HubOptions = {
  bus: Bus;
  access: RoomAccess;
  /** Wait this long after a clientId's last connection closes before saying it left. */
  leaveGraceMs: number;
  /** How often this instance refreshes its presence entries (a third of the presence TTL). */
  heartbeatMs: number;
};

/** Typing from one connection is relayed at most this often (clients send one per 2 s). */
const TYPING_RELAY_MS = 1000;

/**
 * The per-instance hub: takes sockets from the WebSocket route, runs the contract for each frame,
 * and keeps one LocalRoom per room that has sockets here.
 */
export class Hub {
  readonly bus: Bus;
  private readonly access: RoomAccess;
  private readonly rooms = new Map<string, LocalRoom>();
  private readonly connections = new Set<Connection>();
  private readonly leaveTimers = new Set<NodeJS.Timeout>();
  private readonly heartbeat: NodeJS.Timeout;
  private draining = false;

  constructor(private readonly options: HubOptions) {
    this.bus = options.bus;
    this.access = options.access;
    this.heartbeat = setInterval(() => void this.beat(), options.heartbeatMs);
    this.heartbeat.unref();
  }

  get size(): number {
    return this.connections.size;
  }

  get accepting(): boolean {
    return !this.draining;
  }

  /**
   * Takes a freshly upgraded socket. Listeners are attached synchronously: a client may send
   * `join` in the same tick the socket opens.
   */
  accept(ws: WebSocket, context: ConnectionContext): Connection {
    const conn: Connection = new Connection(ws, context, () => this.unregister(conn));
    this.connections.add(conn);
    ws.on("message", (data, isBinary) => this.onData(conn, data, isBinary));
    ws.on("close", () => this.unregister(conn));
    ws.on("error", () => this.unregister(conn));
    if (this.draining) conn.close(CLOSE_CODES.goingAway, "server shutting down");
    return conn;
  }

  private onData(conn: Connection, data: RawData, isBinary: boolean): void {
    if (conn.state === "closed") return;
    if (isBinary) return conn.sendError("bad_frame", "Binary frames are not supported; send JSON text.");
    const parsed = parseClientFrame(data.toString());
    if (!parsed.ok) return conn.sendError(parsed.code, parsed.message, parsed.nonce);
    const frame = parsed.frame;
    switch (frame.type) {
      case "ping":
        return conn.send({ type: "pong" });
      case "message":
        if (!conn.allowMessage()) return conn.sendError("rate_limited", undefined, frame.nonce);
        return this.enqueue(conn, () => this.onMessage(conn, frame));
      case "typing":
        return this.enqueue(conn, async () => this.onTyping(conn));
      case "join":
        return this.enqueue(conn, () => this.join(conn, frame));
    }
  }

  /** Frames of one connection are handled in arrival order, each after the previous finished. */
  private enqueue(conn: Connection, task: () => Promise<void>): void {
    conn.queue = conn.queue.then(task).catch((e) => {
      console.error(`[hub] connection ${conn.id}:`, e);
    });
  }

  private async join(conn: Connection, frame: JoinFrame): Promise<void> {
    if (conn.state !== "open") return conn.sendError("already_joined");
    conn.state = "joining";
    let info: RoomInfo;
    try {
      info = await this.access.authorize(frame.room, conn.context.seats.get(frame.room));
    } catch (e) {
      return this.refuse(conn, e);
    }
    if (conn.state !== "joining") return;
    if (info.expiresAt !== null && info.expiresAt <= Date.now())
      return this.refuse(conn, new FlareError("room_not_found"));
    conn.clientId = frame.clientId;
    conn.name = frame.name;
    conn.roomId = frame.room;
    const room = this.room(frame.room);
    let announce = false;
    try {
      ({ announce } = await this.bus.presence.add(frame.room, {
        connectionId: conn.id,
        clientId: conn.clientId,
        name: conn.name,
      }));
      if (conn.state !== "joining") return;
      conn.send({
        type: "joined",
        room: frame.room,
        connectionId: conn.id,
        clientId: conn.clientId,
        expiresAt: info.expiresAt,
        capacity: info.capacity,
      });
      if (info.expiresAt !== null) room.expireAt(info.expiresAt);
      await room.attach(conn, frame.since);
    } catch (e) {
      void this.bus.presence.remove(frame.room, conn.id).catch(() => {});
      return this.refuse(conn, e);
    }
    if (conn.state !== "joining") {
      // The socket closed while its history was in flight.
      room.detach(conn);
      return;
    }
    conn.state = "joined";
    try {
      await room.sendPresence(conn);
    } catch {
      // Presence follows with the next change or heartbeat.
    }
    room.flush(conn);
    room.schedulePresence();
    void this.publish({ kind: "presence", room: frame.room });
    if (announce) void this.appendSystem(conn.roomId, conn.clientId, conn.name, "joined");
  }

  private refuse(conn: Connection, e: unknown): void {
    if (isFlareError(e) && (e.code === "room_not_found" || e.code === "unauthorized")) {
      conn.sendError(e.code, e.message);
      conn.close(e.code === "room_not_found" ? CLOSE_CODES.roomNotFound : CLOSE_CODES.unauthorized, e.code);
    } else {
      conn.sendError("unavailable", "The chat service is unavailable right now. Reconnecting…");
      conn.close(CLOSE_CODES.tryAgainLater, "try again later");
    }
    conn.state = "closed";
    this.connections.delete(conn);
  }

  private async onMessage(conn: Connection, frame: MessageFrame): Promise<void> {
    if (conn.state !== "joined") return conn.sendError("not_joined", undefined, frame.nonce);
    try {
      const { message } = await this.bus.append({
        room: conn.roomId,
        clientId: conn.clientId,
        name: conn.name,
        text: frame.text,
        ...(frame.nonce !== undefined ? { nonce: frame.nonce } : {}),
      });
      if (frame.nonce !== undefined) conn.send({ type: "ack", nonce: frame.nonce, id: message.id });
    } catch (e) {
      if (isFlareError(e) && e.code === "room_not_found") {
        conn.sendError("room_not_found", e.message, frame.nonce);
        conn.close(CLOSE_CODES.roomNotFound, "room_not_found");
        return;
      }
      conn.sendError("unavailable", undefined, frame.nonce);
    }
  }

  private async onTyping(conn: Connection): Promise<void> {
    if (conn.state !== "joined") return conn.sendError("not_joined");
    const now = Date.now();
    if (now - conn.lastTypingAt < TYPING_RELAY_MS) return;
    conn.lastTypingAt = now;
    const event: RoomEvent = { kind: "typing", room: conn.roomId, clientId: conn.clientId, name: conn.name };
    this.rooms.get(conn.roomId)?.onEvent(event);
    void this.publish(event);
  }

  private room(id: string): LocalRoom {
    let room = this.rooms.get(id);
    if (!room) {
      room = new LocalRoom(
        id,
        this.bus,
        (r) => {
          if (this.rooms.get(r.id) === r) this.rooms.delete(r.id);
        },
        (r) => void this.beatRoom(r).then(() => this.publish({ kind: "presence", room: r.id })),
      );
      this.rooms.set(id, room);
    }
    return room;
  }

  /** Idempotent: `error` and `close` may both fire for one socket. */
  private unregister(conn: Connection): void {
    const wasJoined = conn.state === "joined" || conn.state === "joining";
    if (conn.state === "closed") {
      this.connections.delete(conn);
      return;
    }
    conn.state = "closed";
    this.connections.delete(conn);
    if (!wasJoined || !conn.roomId) return;
    const room = this.rooms.get(conn.roomId);
    room?.detach(conn);
    const { roomId, clientId, name } = conn;
    void this.bus.presence
      .remove(roomId, conn.id)
      .then(() => {
        room?.schedulePresence();
        return this.publish({ kind: "presence", room: roomId });
      })
      .catch(() => {});
    if (!this.rooms.get(roomId)?.hasClient(clientId)) this.scheduleLeave(roomId, clientId, name);
  }

  /** "left" goes out only if the clientId has not come back anywhere within the grace period. */
  private scheduleLeave(roomId: string, clientId: string, name: string, delay = this.options.leaveGraceMs): void {
    const timer = setTimeout(() => {
      this.leaveTimers.delete(timer);
      void this.settleLeave(roomId, clientId, name);
    }, delay);
    this.leaveTimers.add(timer);
  }

  private async settleLeave(roomId: string, clientId: string, name: string): Promise<void> {
    try {
      if (this.rooms.get(roomId)?.hasClient(clientId)) return;
      if (await this.bus.presence.settleLeave(roomId, clientId)) {
        await this.appendSystem(roomId, clientId, name, "left");
      }
    } catch {
      // Redis is down or the room is gone: nobody is left to tell.
    }
  }

  private async appendSystem(room: string, clientId: string, name: string, event: "joined" | "left"): Promise<void> {
    try {
      await this.bus.append({
        room,
        clientId,
        name,
        text: `${name} ${event}`,
        system: true,
        event,
      });
    } catch {
      // A lost system message is not worth failing anything for.
    }
  }

  private async publish(event: RoomEvent): Promise<void> {
    try {
      await this.bus.publish(event);
    } catch {
      // Other instances recompute presence on their next heartbeat.
    }
  }

  /** Refreshes this instance's presence entries; removes crashed instances' users. */
  private async beat(): Promise<void> {
    for (const room of this.rooms.values()) await this.beatRoom(room);
  }

  private async beatRoom(room: LocalRoom): Promise<void> {
    const entries = [...room.connections]
      .filter((c): c is Connection => c instanceof Connection && c.state === "joined")
      .map((c) => ({ connectionId: c.id, clientId: c.clientId, name: c.name }));
    try {
      const pruned = await this.bus.presence.heartbeat(room.id, entries);
      room.schedulePresence();
      if (pruned.length === 0) return;
      void this.publish({ kind: "presence", room: room.id });
      for (const user of pruned) void this.settleLeave(room.id, user.clientId, user.name);
    } catch {
      // Next beat.
    }
  }

  /**
   * Adds a server-side member (realtime subscribe, SSE) to a room on this instance: it gets the
   * same ordered feed as a socket, starting with history, but is not a person in presence.
   */
  async follow(
    roomId: string,
    member: RoomMember,
    opts: { since?: string; limit?: number; expiresAt?: number | null } = {},
  ): Promise<void> {
    const room = this.room(roomId);
    if (opts.expiresAt) room.expireAt(opts.expiresAt);
    member.state = "joining";
    await room.attach(member, opts.since, opts.limit);
    if (member.state !== "joining") {
      room.detach(member);
      return;
    }
    member.state = "joined";
    try {
      await room.sendPresence(member);
    } catch {
      // Presence follows with the next change.
    }
    room.flush(member);
  }

  unfollow(roomId: string, member: RoomMember): void {
    member.state = "closed";
    this.rooms.get(roomId)?.detach(member);
  }

  /** Ends a room on this instance (expiry or destroy). Other instances hear it through the bus. */
  endRoom(roomId: string, reason: "expired" | "destroyed"): void {
    this.rooms.get(roomId)?.end(reason);
  }

  /**
   * SIGTERM: stop taking frames, let in-flight writes finish, close every socket with 1001,
   * settle presence, then release the bus.
   */
  async shutdown(deadlineMs = 8000): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    clearInterval(this.heartbeat);
    const conns = [...this.connections];
    const inFlight = Promise.allSettled(conns.map((c) => c.queue));
    await Promise.race([inFlight, delay(Math.min(3000, deadlineMs / 2))]);
    for (const c of conns) c.close(CLOSE_CODES.goingAway, "server shutting down");
    for (const t of this.leaveTimers) clearTimeout(t);
    if (this.bus.mode === "redis") {
      // Give clients a moment to resume on another instance before saying they left.
      await delay(Math.min(this.options.leaveGraceMs, 2000));
      const left = conns.filter((c) => c.roomId && c.clientId);
      await Promise.race([
        Promise.allSettled(left.map((c) => this.settleLeave(c.roomId, c.clientId, c.name))),
        delay(2000),
      ]);
    }
    await this.bus.close();
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}

export { FlareError };
