import type { DestroyReason, Message, PresenceUser } from "../protocol";

/**
 * The Bus is everything an instance shares with the other instances of a deployment: the message
 * log of each room (which is also its history), the relay of typing / presence / destroy events,
 * and presence. `memory` serves a single instance; `redis` shares rooms across instances through
 * capped Redis streams. The hub only ever talks to this interface.
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

export type HistoryResult = { messages: Message[]; reset: boolean };

export type RangeQuery = { start?: string; end?: string; limit: number };

/** Events relayed between instances. They are never echoed back to the instance that published them. */
export type RoomEvent =
  | { kind: "typing"; room: string; clientId: string; name: string }
  /** The presence set of the room changed somewhere: receivers recompute it. */
  | { kind: "presence"; room: string }
  | { kind: "destroyed"; room: string; reason: DestroyReason };

export interface RoomListener {
  /** Every message of the room with an id above the subscription cursor, once, in id order. */
  message(message: Message): void;
  event(event: RoomEvent): void;
  /**
   * The room's log went away or went backwards (Redis restarted empty, failover): the cursor is
   * back at the start and the listener should resend history with `reset: true`.
   */
  reset(): void;
}

export type PresenceEntry = { connectionId: string; clientId: string; name: string };

export interface Presence {
  /**
   * Marks a connection online. `announce` is true when its clientId was not yet announced in the
   * room (no "joined" message since its last "left"): the caller then stores the "joined" message.
   */
  add(room: string, entry: PresenceEntry): Promise<{ announce: boolean }>;
  remove(room: string, connectionId: string): Promise<void>;
  /**
   * Called a grace period after a clientId's last local connection closed. True when the clientId
   * has no live connection on any instance and was announced: the caller stores the "left" message.
   * Exactly one caller gets true per announcement.
   */
  settleLeave(room: string, clientId: string): Promise<boolean>;
  /** Distinct clientIds online across all instances (first name seen wins), ordered by name. */
  list(room: string): Promise<PresenceUser[]>;
  /**
   * Refreshes this instance's live connections of the room and prunes entries older than the
   * presence TTL (crashed instances). Returns the users whose entries were pruned.
   */
  heartbeat(room: string, entries: PresenceEntry[]): Promise<PresenceUser[]>;
}

export type BusHealth = "disabled" | "ok" | "down";

export interface Bus {
  readonly mode: "memory" | "redis";
  /** This instance's id: the origin tag on everything it publishes. */
  readonly instanceId: string;

  /** Stores a message (atomically with nonce dedupe) and returns it with its id. */
  append(draft: MessageDraft): Promise<AppendResult>;
  /**
   * History for a join: after `since` when the room still holds it (`reset:false`), otherwise the
   * newest `limit` (`reset:true`).
   */
  history(room: string, since: string | undefined, limit: number): Promise<HistoryResult>;
  /** Inclusive id range, oldest first; `limit` from `start` when given, else the newest up to `end`. */
  range(room: string, query: RangeQuery): Promise<Message[]>;
  /**
   * Delivers the room's messages with ids above `afterId` ("0-0" for all) and other instances'
   * events until the returned function is called.
   */
  subscribe(room: string, afterId: string, listener: RoomListener): () => void;
  publish(event: RoomEvent): Promise<void>;
  readonly presence: Presence;
  /** Deletes every key of the room. */
  deleteRoom(room: string): Promise<void>;
  health(): Promise<BusHealth>;
  close(): Promise<void>;
}
