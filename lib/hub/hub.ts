import type { WebSocket } from "ws";
import type { Bus } from "../bus/types";
import type { ClientIdentity } from "../identity/client-identity";
import { CLOSE_CODES } from "../protocol";
import { Connection, type ConnectionContext } from "./connection";
import { FrameHandler } from "./frames";
import { type AdmitOptions, LocalRoom } from "./local-room";
import type { RoomMember } from "./member";
import { PresenceKeeper, type PresenceKeeperOptions } from "./presence-keeper";
import type { RoomAccess } from "./room-access";

export type HubOptions = PresenceKeeperOptions & {
  bus: Bus;
  access: RoomAccess;
  /** Who may join as a clientId (v1.1 rule 1). */
  identity: ClientIdentity;
  /** Close each socket with 1001 after this long, like the platform at maxDuration (unset: never). */
  maxSocketMs?: number | undefined;
};

/**
 * The per-instance hub: the registry of this instance's connections and rooms. It takes sockets
 * from the WebSocket route and hands their frames to the FrameHandler, admits server-side
 * subscribers, ends rooms, and drains everything on shutdown.
 */
export class Hub {
  private readonly rooms = new Map<string, LocalRoom>();
  private readonly connections = new Set<Connection>();
  private readonly presence: PresenceKeeper;
  private readonly frames: FrameHandler;
  private draining = false;

  constructor(private readonly options: HubOptions) {
    this.presence = new PresenceKeeper(options.bus, this.rooms, options);
    this.frames = new FrameHandler({
      bus: options.bus,
      access: options.access,
      identity: options.identity,
      presence: this.presence,
      room: (id) => this.room(id),
      existingRoom: (id) => this.rooms.get(id),
      refused: (conn) => this.connections.delete(conn),
    });
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
    ws.on("message", (data, isBinary) => this.frames.handle(conn, data, isBinary));
    ws.on("close", () => this.unregister(conn));
    ws.on("error", () => this.unregister(conn));
    if (this.draining) conn.close(CLOSE_CODES.goingAway, "server shutting down");
    if (this.options.maxSocketMs) this.closeAfter(conn, this.options.maxSocketMs);
    return conn;
  }

  private closeAfter(conn: Connection, ms: number): void {
    const timer = setTimeout(() => conn.close(CLOSE_CODES.goingAway, "maximum duration reached"), ms);
    timer.unref();
    conn.ws.once("close", () => clearTimeout(timer));
  }

  private room(id: string): LocalRoom {
    let room = this.rooms.get(id);
    if (!room) {
      room = new LocalRoom(id, this.options.bus, {
        empty: (r) => {
          if (this.rooms.get(r.id) === r) this.rooms.delete(r.id);
        },
        reset: (r) => this.presence.reregister(r),
      });
      this.rooms.set(id, room);
    }
    return room;
  }

  /** Idempotent: `error` and `close` may both fire for one socket. */
  private unregister(conn: Connection): void {
    this.connections.delete(conn);
    if (conn.state === "closed") return;
    const wasInRoom = conn.state === "joined" || conn.state === "joining";
    conn.state = "closed";
    if (!wasInRoom || !conn.roomId) return;
    this.rooms.get(conn.roomId)?.remove(conn);
    this.presence.left(conn);
  }

  /**
   * Adds a server-side member (realtime subscribe, SSE) to a room on this instance: the same
   * ordered feed as a socket, starting with history, but not a person in presence.
   */
  async follow(roomId: string, member: RoomMember, opts: AdmitOptions & { expiresAt?: number | null } = {}) {
    const room = this.room(roomId);
    if (opts.expiresAt) room.expireAt(opts.expiresAt);
    await room.admit(member, opts);
  }

  unfollow(roomId: string, member: RoomMember): void {
    member.state = "closed";
    this.rooms.get(roomId)?.remove(member);
  }

  /** Ends a room on this instance (expiry or destroy). Other instances hear it through the bus. */
  endRoom(roomId: string, reason: "expired" | "destroyed"): void {
    this.rooms.get(roomId)?.end(reason);
  }

  /**
   * SIGTERM: stop taking frames, let in-flight writes finish, close every socket with 1001, then
   * settle presence. The bus stays open: its owner (lib/instance.ts) closes it.
   */
  async shutdown(deadlineMs = 8000): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    const conns = [...this.connections];
    const inFlight = Promise.allSettled(conns.map((c) => c.queue));
    await Promise.race([inFlight, delay(Math.min(3000, deadlineMs / 2))]);
    for (const c of conns) c.close(CLOSE_CODES.goingAway, "server shutting down");
    await this.presence.stop(conns);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}
