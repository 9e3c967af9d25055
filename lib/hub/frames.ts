import type { RawData } from "ws";
import type { Bus } from "../bus/types";
import type { ClientIdentity } from "../identity/client-identity";
import {
  CLOSE_CODES,
  FlareError,
  isFlareError,
  type JoinFrame,
  type MessageFrame,
  parseClientFrame,
} from "../protocol";
import { Limits } from "../limits/limits";
import type { Connection } from "./connection";
import type { LocalRoom } from "./local-room";
import type { PresenceKeeper } from "./presence-keeper";
import type { SubscriptionFrames } from "./subscriptions";
import type { RoomAccess, RoomInfo } from "./room-access";
import { errorFields, log } from "../observability/log";
import { metrics } from "../observability/metrics";
import { SampledWarning } from "../observability/sampled-warning";

/** Typing from one connection is relayed at most this often (clients send one per 2 s). */
const TYPING_RELAY_MS = 1000;
/** A join refused as `unavailable` (the bus failed or timed out): the cause, sampled. */
const refusedJoins = new SampledWarning("join refused as unavailable");
/**
 * A joined connection that keeps posting renews its clientId's 24 h binding at most this often, so
 * a socket open for days keeps its identity (a new join renews it anyway).
 */
const BINDING_RENEW_MS = 60 * 60 * 1000;

export type FrameHandlerDeps = {
  bus: Bus;
  access: RoomAccess;
  /** clientId ↔ clientToken bindings (v1.1 rule 1). */
  identity: ClientIdentity;
  presence: PresenceKeeper;
  /** The room on this instance, created on first use. */
  room(id: string): LocalRoom;
  /** The existing room on this instance, if any. */
  existingRoom(id: string): LocalRoom | undefined;
  /** The connection was refused and closed: the hub stops tracking it. */
  refused(conn: Connection): void;
  /** Takes one from the address's join budget; false when it is spent. */
  admitJoin(address: string): Promise<boolean>;
  /** Channel subscribe / unsubscribe. */
  subscriptions: SubscriptionFrames;
};

/**
 * The contract, frame by frame, for one connection at a time: parse and validate, then join,
 * store a message, relay typing or answer a ping. Frames of a connection are handled in the
 * order they arrived, each after the previous one finished.
 */
export class FrameHandler {
  /** The token each joined connection proved, and when its binding was last renewed. */
  private readonly bindings = new WeakMap<Connection, { token: string; renewedAt: number }>();

  constructor(private readonly deps: FrameHandlerDeps) {}

  handle(conn: Connection, data: RawData, isBinary: boolean): void {
    if (conn.state === "closed") return;
    // Before anything else, parsing included: a flood must cost as little as possible.
    if (!conn.allowFrame()) return conn.sendError("rate_limited");
    if (isBinary) return conn.sendError("bad_frame", "Binary frames are not supported; send JSON text.");
    const parsed = parseClientFrame(data.toString());
    if (!parsed.ok) return conn.sendError(parsed.code, parsed.message, parsed.nonce, parsed.channel);
    const frame = parsed.frame;
    switch (frame.type) {
      case "ping":
        return conn.push({ type: "pong" });
      case "message":
        if (!conn.allowMessage()) return conn.sendError("rate_limited", undefined, frame.nonce);
        return this.enqueue(conn, () => this.message(conn, frame));
      case "typing":
        return this.enqueue(conn, async () => this.typing(conn));
      case "join":
        return this.enqueue(conn, () => this.join(conn, frame));
      case "subscribe":
        return this.enqueue(conn, () => this.deps.subscriptions.subscribe(conn, frame));
      case "unsubscribe":
        return this.enqueue(conn, async () => this.deps.subscriptions.unsubscribe(conn, frame));
    }
  }

  private enqueue(conn: Connection, task: () => Promise<void>): void {
    conn.queue = conn.queue.then(task).catch((e) => {
      log().error({ ...errorFields(e), connection: conn.id, room: conn.roomId || undefined }, "frame handling failed");
    });
  }

  private async join(conn: Connection, frame: JoinFrame): Promise<void> {
    if (conn.state !== "open") return conn.sendError("already_joined");
    conn.state = "joining";
    // Before anything is stored: a refused join costs one budget check and leaves no trace in the room.
    const withinBudget = await this.deps.admitJoin(conn.context.address);
    if (conn.state !== "joining") return;
    if (!withinBudget) {
      conn.state = "open";
      return conn.sendError("rate_limited", Limits.message("joins"));
    }
    let info: RoomInfo;
    try {
      info = await this.deps.access.authorize(frame.room, conn.context.seats.get(frame.room));
    } catch (e) {
      return this.refuse(conn, frame.room, e);
    }
    if (conn.state !== "joining") return;
    if (info.expiresAt !== null && info.expiresAt <= Date.now())
      return this.refuse(conn, frame.room, new FlareError("room_not_found"));
    let clientToken: string;
    try {
      ({ token: clientToken } = await this.deps.identity.claim(frame.clientId, frame.clientToken));
    } catch (e) {
      if (!isFlareError(e) || e.code !== "client_taken") return this.refuse(conn, frame.room, e);
      // Not this tab's clientId: the connection stays open for a join under another one.
      if (conn.state !== "joining") return;
      conn.state = "open";
      return conn.sendError("client_taken");
    }
    if (conn.state !== "joining") return;
    this.bindings.set(conn, { token: clientToken, renewedAt: performance.now() });
    conn.clientId = frame.clientId;
    conn.name = frame.name;
    conn.roomId = frame.room;
    const room = this.deps.room(frame.room);
    let announce = false;
    let admitted = false;
    try {
      const mark = room.presenceMark;
      const added = await this.deps.bus.presence.add(frame.room, {
        connectionId: conn.id,
        clientId: conn.clientId,
        name: conn.name,
      });
      announce = added.announce;
      if (conn.state !== "joining") return;
      conn.push({
        type: "joined",
        room: frame.room,
        connectionId: conn.id,
        clientId: conn.clientId,
        clientToken,
        expiresAt: info.expiresAt,
        capacity: info.capacity,
      });
      if (info.expiresAt !== null) room.expireAt(info.expiresAt);
      admitted = await room.admit(conn, { since: frame.since, arrival: { mark, presence: added.presence } });
    } catch (e) {
      void this.deps.bus.presence.remove(frame.room, conn.id).catch(() => {});
      return this.refuse(conn, frame.room, e);
    }
    if (!admitted) return;
    metrics().joins.inc();
    this.deps.presence.joined(room, conn, announce);
  }

  private refuse(conn: Connection, room: string, e: unknown): void {
    if (isFlareError(e) && (e.code === "room_not_found" || e.code === "unauthorized")) {
      conn.sendError(e.code, e.message);
      conn.close(e.code === "room_not_found" ? CLOSE_CODES.roomNotFound : CLOSE_CODES.unauthorized, e.code);
    } else {
      refusedJoins.note({ ...errorFields(e), room });
      conn.sendError("unavailable", "The chat service is unavailable right now. Reconnecting…");
      conn.close(CLOSE_CODES.tryAgainLater, "try again later");
    }
    conn.state = "closed";
    this.deps.refused(conn);
  }

  private async message(conn: Connection, frame: MessageFrame): Promise<void> {
    if (conn.state !== "joined") return conn.sendError("not_joined", undefined, frame.nonce);
    this.renewBinding(conn);
    try {
      const { message } = await this.deps.bus.append({
        room: conn.roomId,
        clientId: conn.clientId,
        name: conn.name,
        text: frame.text,
        ...(frame.nonce !== undefined ? { nonce: frame.nonce } : {}),
      });
      metrics().messagesIn.inc({ via: "ws" });
      if (frame.nonce !== undefined) conn.push({ type: "ack", nonce: frame.nonce, id: message.id });
    } catch (e) {
      if (isFlareError(e) && e.code === "room_not_found") {
        conn.sendError("room_not_found", e.message, frame.nonce);
        conn.close(CLOSE_CODES.roomNotFound, "room_not_found");
        return;
      }
      conn.sendError("unavailable", undefined, frame.nonce);
    }
  }

  private renewBinding(conn: Connection): void {
    const binding = this.bindings.get(conn);
    const now = performance.now();
    if (!binding || now - binding.renewedAt < BINDING_RENEW_MS) return;
    binding.renewedAt = now;
    this.deps.identity.claim(conn.clientId, binding.token).catch(() => {
      // Best effort: the next message (or join) renews it; a lost binding is re-bound by the token.
    });
  }

  private typing(conn: Connection): void {
    if (conn.state !== "joined") return conn.sendError("not_joined");
    const now = Date.now();
    if (now - conn.lastTypingAt < TYPING_RELAY_MS) return;
    conn.lastTypingAt = now;
    const event = { kind: "typing", room: conn.roomId, clientId: conn.clientId, name: conn.name } as const;
    this.deps.existingRoom(conn.roomId)?.onEvent(event);
    this.deps.bus.publish(event).catch(() => {
      // Typing is best effort: a lost indicator is not worth an error.
    });
  }
}
