import type { WebSocket } from "ws";
import type { Bus } from "../bus/types";
import type { ChannelAccess } from "../channels/access";
import type { ClientIdentity } from "../identity/client-identity";
import { CLOSE_CODES } from "../protocol";
import { Connection, type ConnectionContext } from "./connection";
import { FrameHandler } from "./frames";
import { CONTRACT_LIVENESS, type LivenessOptions, LivenessSweeper, watchPongs } from "./liveness";
import { HubChannels } from "./channels";
import { type AdmitOptions, LocalRoom } from "./local-room";
import type { RoomMember } from "./member";
import { PresenceKeeper, type PresenceKeeperOptions } from "./presence-keeper";
import type { RoomAccess } from "./room-access";
import { SubscriptionFrames } from "./subscriptions";
import { metrics } from "../observability/metrics";

export type HubOptions = PresenceKeeperOptions &
  Partial<LivenessOptions> & {
    bus: Bus;
    access: RoomAccess;
    /** Who may join as a clientId (v1.1 rule 1). */
    identity: ClientIdentity;
    /** Whether the client address may join now (its join budget, lib/limits); unset: always. */
    admitJoin?: ((address: string) => Promise<boolean>) | undefined;
    /** Who may follow which channel (lib/channels/access.ts). */
    channelAccess: ChannelAccess;
  };

/**
 * The per-instance hub: the registry of this instance's connections and rooms. It takes sockets
 * from the WebSocket route and hands their frames to the FrameHandler, admits server-side
 * subscribers, ends rooms, and drains everything on shutdown.
 */
export class Hub {
  /** The channels followed on this instance (by sockets, SSE streams and server code). */
  readonly channels: HubChannels;
  private readonly rooms = new Map<string, LocalRoom>();
  private readonly connections = new Set<Connection>();
  private readonly presence: PresenceKeeper;
  private readonly frames: FrameHandler;
  private readonly subscriptions: SubscriptionFrames;
  private readonly liveness: LivenessSweeper;
  private draining = false;

  constructor(private readonly options: HubOptions) {
    this.presence = new PresenceKeeper(options.bus, this.rooms, options);
    this.channels = new HubChannels(options.bus);
    this.subscriptions = new SubscriptionFrames(this.channels, options.channelAccess);
    this.frames = new FrameHandler({
      bus: options.bus,
      access: options.access,
      identity: options.identity,
      presence: this.presence,
      room: (id) => this.room(id),
      existingRoom: (id) => this.rooms.get(id),
      refused: (conn) => this.forget(conn),
      admitJoin: options.admitJoin ?? (async () => true),
      subscriptions: this.subscriptions,
    });
    this.liveness = new LivenessSweeper(this.connections, {
      pingIntervalMs: options.pingIntervalMs ?? CONTRACT_LIVENESS.pingIntervalMs,
      pongTimeoutMs: options.pongTimeoutMs ?? CONTRACT_LIVENESS.pongTimeoutMs,
      joinTimeoutMs: options.joinTimeoutMs ?? CONTRACT_LIVENESS.joinTimeoutMs,
      maxSocketMs: options.maxSocketMs,
    });
    this.liveness.start();
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
    metrics().connectionsOpen.inc();
    ws.on("message", (data, isBinary) => this.frames.handle(conn, data, isBinary));
    ws.on("close", () => this.unregister(conn));
    ws.on("error", (e: Error & { code?: string }) => {
      // ws closes an oversized frame's connection itself, with 1009.
      if (e.code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH") metrics().closes.inc({ code: 1009 });
      this.unregister(conn);
    });
    watchPongs(ws, conn);
    if (this.draining) conn.close(CLOSE_CODES.goingAway, "server shutting down");
    return conn;
  }

  private room(id: string): LocalRoom {
    let room = this.rooms.get(id);
    if (!room) {
      room = new LocalRoom(id, this.options.bus, {
        empty: (r) => {
          if (this.rooms.get(r.id) !== r) return;
          this.rooms.delete(r.id);
          metrics().roomsHeld.dec();
        },
        reset: (r) => this.presence.reregister(r),
      });
      this.rooms.set(id, room);
      metrics().roomsHeld.inc();
    }
    return room;
  }

  /** Stops tracking a connection (once, whichever of refusal, close and error comes first). */
  private forget(conn: Connection): void {
    if (this.connections.delete(conn)) metrics().connectionsOpen.dec();
  }

  /** Idempotent: `error` and `close` may both fire for one socket. */
  private unregister(conn: Connection): void {
    this.forget(conn);
    this.subscriptions.drop(conn);
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
    this.channels.end(roomId, reason);
  }

  /**
   * SIGTERM: stop taking frames, let in-flight writes finish, close every socket with 1001, then
   * settle presence. The bus stays open: its owner (lib/instance.ts) closes it.
   */
  async shutdown(deadlineMs = 8000): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    this.liveness.stop();
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
