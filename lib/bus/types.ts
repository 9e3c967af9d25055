import type { DestroyReason, Message, PresenceUser } from "../protocol";
import type { ChannelLog } from "../channels/types";

/**
 * The Bus is everything an instance shares with the other instances of a deployment: the message
 * log of each room (which is also its history), the relay of typing / presence / destroy events,
 * and presence. `MemoryBus` serves a single instance; `RedisBus` shares rooms across instances
 * through capped Redis streams. The hub only ever talks to this interface.
 *
 * Errors: every async method rejects with `FlareError("unavailable")` when the store cannot be
 * reached, and writes to a room that no longer exists reject with `FlareError("room_not_found")`.
 */

export type MessageDraft = {
  room: string;
  clientId: string;
  name: string;
  text: string;
  system?: true;
  event?: "joined" | "left";
  nonce?: string;
};

export type AppendResult = {
  message: Message;
  /** The nonce was already stored by this clientId in this room: `message` is the first one. */
  duplicate: boolean;
};

/** What a log (a room's messages, a channel's events) holds for a reader: `messages` are its entries. */
export type HistoryResult<T = Message> = {
  messages: T[];
  reset: boolean;
  /** The log's newest id when `messages` stops short of it (a reset history of 0 entries): where live starts. */
  lastId?: string;
};

/** What every log entry has: an id, strictly increasing within its log. */
export type LogEntry = { id: string };

export type RangeQuery = { start?: string; end?: string; limit: number };

/** Events relayed between instances. They are never echoed back to the instance that published them. */
export type RoomEvent =
  | { kind: "typing"; room: string; clientId: string; name: string }
  /** The presence set of the room changed somewhere: receivers recompute it. */
  | { kind: "presence"; room: string }
  | { kind: "destroyed"; room: string; reason: DestroyReason };

/** One reader of a room's (or channel's) feed: a WebSocket connection, an SSE stream, a server-side subscriber. */
export interface FeedSink<T extends LogEntry = Message> {
  /** First the history the reader asked for; again (with `reset: true`) whenever the log restarted. */
  history(messages: T[], reset: boolean): void;
  /** Live entries after the history, each once, in strictly increasing id order. */
  message(message: T): void;
  /** The log restarted and could not be read again: this reader cannot continue. */
  unavailable(): void;
}

export type FeedOpenOptions = {
  /** Id of the newest message the reader holds: history is what came after it, if the log still holds it. */
  since?: string | undefined;
  /** How many messages a history without a usable `since` carries (default: the contract's 50). */
  limit?: number | undefined;
  /** Runs after the history was delivered and before the first live message. */
  beforeLive?: () => Promise<void>;
};

/** What the feed of a room tells its owner besides messages. */
export interface FeedHandlers {
  /** Typing, presence and destroy events from other instances. */
  event(event: RoomEvent): void;
  /** The log restarted (its readers got a new history); presence should be registered again. */
  reset(): void;
}

/** A room's ordered feed: history, then live messages, then `reset` histories. See lib/bus/feed.ts. */
export interface Feed<T extends LogEntry = Message> {
  open(sink: FeedSink<T>, options?: FeedOpenOptions): Promise<void>;
  close(sink: FeedSink<T>): void;
}

/**
 * The raw live tail of a room's log, which each Bus implements and the feed builds on.
 * Every message above `afterId` is delivered once, in id order; `reset` means the log went away or
 * backwards and the tail starts again from "0-0".
 */
export interface TailListener<T extends LogEntry = Message> {
  message(message: T): void;
  event(event: RoomEvent): void;
  reset(): void;
}

export type PresenceEntry = { connectionId: string; clientId: string; name: string };

/**
 * A room's presence as the frame carries it: `count` distinct clientIds online across all
 * instances (exact), `users` the PRESENCE_MAX_USERS of them that came online first (ties: by
 * clientId), ordered by name. Earliest first keeps the list stable under join churn: newcomers
 * beyond the cap change `count` only.
 */
export type PresenceSnapshot = { count: number; users: PresenceUser[] };

export type PresenceBeat = {
  /** This instance had been taken for dead (or the store lost it): refresh every room. */
  revived: boolean;
  /** Users of dead instances swept, per room, each returned to one caller only: it settles their leave. */
  swept: { room: string; users: PresenceUser[] }[];
};

export interface Presence {
  /**
   * Marks a connection online. `announce` is true when its clientId was not yet announced in the
   * room (no "joined" message since its last "left"): the caller then stores the "joined" message.
   * Add and remove also tell every other instance holding the room that its presence changed (a
   * `presence` RoomEvent, in the same round trip). `presence` is what `list` would answer right
   * after the add: the joiner's presence frame needs no read of its own.
   */
  add(room: string, entry: PresenceEntry): Promise<{ announce: boolean; presence: PresenceSnapshot }>;
  remove(room: string, connectionId: string): Promise<void>;
  /**
   * Called a grace period after a clientId's last local connection closed. True when the clientId
   * has no live connection on any instance and was announced: the caller stores the "left" message.
   * Exactly one caller gets true per announcement.
   */
  settleLeave(room: string, clientId: string): Promise<boolean>;
  /** Who is online (see PresenceSnapshot); a clientId's name is the one its newest connection brought (a rename shows at once). */
  list(room: string): Promise<PresenceSnapshot>;
  /**
   * Proves this instance alive, once for all of its rooms (`rooms`: those it may hold entries in),
   * and sweeps the entries of an instance that stopped doing so for the presence TTL (it crashed).
   * Until swept, such entries still count as online. See PresenceBeat.
   */
  beat(rooms: ReadonlySet<string>): Promise<PresenceBeat>;
  /**
   * Puts this instance's live connections of the room back where the store lacks them (it lost
   * them, or this instance was taken for dead), and keeps the lobby's keys from expiring.
   */
  refresh(room: string, entries: PresenceEntry[]): Promise<void>;
}

export type BusHealth = "disabled" | "ok" | "down";

export interface Bus {
  /** This instance's id: the origin tag on everything it publishes. */
  readonly instanceId: string;

  /** Stores a message (atomically with nonce dedupe) and returns it with its id. */
  append(draft: MessageDraft): Promise<AppendResult>;
  /**
   * History for a join: after `since` when the room still holds it (`reset:false`), otherwise the
   * newest `limit` (`reset:true`).
   */
  history(room: string, since: string | undefined, limit: number): Promise<HistoryResult>;
  /** Inclusive id range, oldest first; `limit` from `start` when given, else the newest `limit` up to `end`. */
  range(room: string, query: RangeQuery): Promise<Message[]>;
  /** A new feed of the room. Its owner (the room on this instance) opens readers on it. */
  feed(room: string, handlers: FeedHandlers): Feed;
  publish(event: RoomEvent): Promise<void>;
  readonly presence: Presence;
  /** Typed-event channels (lib/channels): their logs, read through the same feed and reader. */
  readonly channels: ChannelLog;
  /** Deletes every key of the room (its channel included); later writes to it fail with `room_not_found`. */
  deleteRoom(room: string): Promise<void>;
  health(): Promise<BusHealth>;
  /** Stops what the bus started. A client it was handed stays open: its owner closes it. */
  close(): Promise<void>;
}
