import {
  CLOSE_CODES,
  defaultMessage,
  type DestroyReason,
  type Message,
  type PresenceUser,
  type ServerFrame,
  type ServerFrameOf,
} from "../protocol";
import { mergeMessages, replaceMessages } from "./messages";
import { dropAcked, findEntry, refuse, settleAck, settleArrived, type OutboxEntry } from "./outbox";
import { expireTypers, typerGone, typerSeen, TYPING_TTL_MS, type TypingUser } from "./typing";

/**
 * What a tab knows about one room, and how each server frame changes it. Pure: no sockets, no
 * timers; RoomClient (room-client.ts) owns the clock and the connection.
 */

export type EndReason = DestroyReason | "room_not_found" | "unauthorized";

export type ConnectionStatus =
  | { state: "idle" }
  /** `attempt` 0 is the first connection; more means a reconnect is under way. */
  | { state: "connecting"; attempt: number }
  /** `via: "fallback"`: over SSE + POST (fallback.ts), without typing and without counting as online. */
  | { state: "connected"; via?: "fallback" }
  | { state: "reconnecting"; attempt: number; retryAt: number }
  | { state: "offline" }
  | { state: "ended"; reason: EndReason; message: string };

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

/** What applying a frame depends on besides the state: the clock and the retry jitter. */
export type FrameContext = { now: number; random: () => number; typingTtlMs?: number };

const END_MESSAGES: Record<EndReason, string> = {
  expired: "This room has expired.",
  destroyed: "This room was destroyed.",
  room_not_found: "This room does not exist or has expired.",
  unauthorized: defaultMessage("unauthorized"),
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

/** Close codes after which reconnecting cannot help, and what they mean. */
export function closeEndReason(code: number): EndReason | undefined {
  switch (code) {
    case CLOSE_CODES.roomEnded:
      return "expired";
    case CLOSE_CODES.roomNotFound:
      return "room_not_found";
    case CLOSE_CODES.unauthorized:
      return "unauthorized";
    default:
      return undefined;
  }
}

/** Not (or no longer) joined: nothing is known about who is here right now. */
export function disconnected(state: RoomSnapshot, status: ConnectionStatus): RoomSnapshot {
  return { ...state, status, joined: null, typing: [] };
}

/** The room is over for this tab; it does not reconnect. */
export function ended(state: RoomSnapshot, reason: EndReason): RoomSnapshot {
  return disconnected(state, { state: "ended", reason, message: END_MESSAGES[reason] });
}

export function isEnded(state: RoomSnapshot): boolean {
  return state.status.state === "ended";
}

export function applyFrame(state: RoomSnapshot, frame: ServerFrame, ctx: FrameContext): RoomSnapshot {
  switch (frame.type) {
    case "joined":
      return {
        ...state,
        status: { state: "connected" },
        joined: { connectionId: frame.connectionId, expiresAt: frame.expiresAt, capacity: frame.capacity },
        notice: null,
      };
    case "history": {
      const messages = frame.reset ? replaceMessages(frame.messages) : mergeMessages(state.messages, frame.messages);
      const outbox = frame.reset ? dropAcked(state.outbox) : state.outbox;
      return { ...state, messages, outbox: settleArrived(outbox, frame.messages, state.clientId) };
    }
    case "message": {
      const m = frame.message;
      return {
        ...state,
        messages: mergeMessages(state.messages, [m]),
        outbox: settleArrived(state.outbox, [m], state.clientId),
        typing: typerGone(state.typing, m.clientId),
      };
    }
    case "ack":
      return { ...state, outbox: settleAck(state.outbox, frame.nonce, frame.id, state.messages) };
    case "typing": {
      if (frame.clientId === state.clientId || frame.room !== state.room) return state;
      const until = ctx.now + (ctx.typingTtlMs ?? TYPING_TTL_MS);
      const typing = typerSeen(expireTypers(state.typing, ctx.now), {
        clientId: frame.clientId,
        name: frame.name,
        until,
      });
      return { ...state, typing };
    }
    case "presence": {
      if (frame.room !== state.room) return state;
      const seen = new Set<string>();
      const users = frame.users.filter((u) => !seen.has(u.clientId) && seen.add(u.clientId));
      return { ...state, presence: { count: frame.count, users } };
    }
    case "destroyed":
      return ended(state, frame.reason);
    case "error":
      return applyError(state, frame, ctx);
    case "pong":
    // Channel frames are the realtime client's (lib/client/realtime), on the same socket.
    case "subscribed":
    case "events":
    case "event":
    case "unsubscribed":
      return state;
  }
}

function applyError(state: RoomSnapshot, frame: ServerFrameOf<"error">, ctx: FrameContext): RoomSnapshot {
  const { code, message, nonce } = frame;
  if (frame.channel !== undefined) return state;
  // room_not_found / unauthorized: the server closes with 4004 / 4001 next, which ends the room.
  const entry =
    nonce && code !== "room_not_found" && code !== "unauthorized" ? findEntry(state.outbox, nonce) : undefined;
  // client_taken: the tab takes a new clientId silently (RoomClient) and joins or posts again.
  if (!entry) return code === "already_joined" || code === "client_taken" ? state : { ...state, notice: message };
  return {
    ...state,
    outbox: refuse(state.outbox, entry.nonce, code, ctx.now, ctx.random),
    notice: code === "unavailable" ? message : state.notice,
  };
}
