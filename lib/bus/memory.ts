import { compareIds, FlareError, IdSequence, type Message, NONCE_DEDUPE_MS, ROOM_RETAINS } from "../protocol";
import { type FeedSource, RoomFeed } from "./feed";
import { MemoryChannelLog } from "./memory-channels";
import { MemoryPresence, type MemoryPresenceRoom } from "./memory-presence";
import { sliceRange } from "./range";
import { storedMessage } from "./stored-message";
import type {
  AppendResult,
  Bus,
  BusHealth,
  Feed,
  FeedHandlers,
  HistoryResult,
  MessageDraft,
  Presence,
  RangeQuery,
  RoomEvent,
  TailListener,
} from "./types";

type MemoryRoom = MemoryPresenceRoom & {
  log: Message[];
  ids: IdSequence;
  /** `${clientId}\n${nonce}` → first message id and when it was stored. */
  nonces: Map<string, { id: string; ts: number }>;
  tails: Set<TailListener>;
};

export type MemoryBusOptions = {
  /**
   * Whether a room may be written: the lobby and the live private rooms. A room it denies is gone,
   * as a room without meta is in Redis. Default: every room.
   */
  roomExists?: (room: string) => boolean;
};

/** One instance, everything in this process. Messages reach the tails synchronously on append. */
export class MemoryBus implements Bus {
  private readonly rooms = new Map<string, MemoryRoom>();
  private readonly roomExists: (room: string) => boolean;
  readonly presence: Presence;
  readonly channels: MemoryChannelLog;

  constructor(
    readonly instanceId: string,
    options: MemoryBusOptions = {},
  ) {
    this.roomExists = options.roomExists ?? (() => true);
    this.presence = new MemoryPresence((room) => this.room(room));
    this.channels = new MemoryChannelLog((room) => this.roomExists(room));
  }

  /** The room's state, created on first use; undefined for a room that is gone. */
  private room(id: string): MemoryRoom | undefined {
    let room = this.rooms.get(id);
    if (room) return room;
    if (!this.roomExists(id)) return undefined;
    room = {
      log: [],
      ids: new IdSequence(),
      nonces: new Map(),
      tails: new Set(),
      connections: new Map(),
      clients: new Map(),
      announced: new Set(),
    };
    this.rooms.set(id, room);
    return room;
  }

  private writable(id: string): MemoryRoom {
    const room = this.room(id);
    if (!room) throw new FlareError("room_not_found");
    return room;
  }

  async append(draft: MessageDraft): Promise<AppendResult> {
    const room = this.writable(draft.room);
    const now = Date.now();
    const nonceKey = draft.nonce === undefined ? undefined : `${draft.clientId}\n${draft.nonce}`;
    if (nonceKey) {
      const seen = room.nonces.get(nonceKey);
      if (seen && now - seen.ts < NONCE_DEDUPE_MS) {
        // Trimmed from the log: the resend stands for the first message (same nonce, same sender).
        const first = room.log.find((m) => m.id === seen.id) ?? storedMessage(draft, seen.id);
        return { message: first, duplicate: true };
      }
    }
    const message = storedMessage(draft, room.ids.next(now));
    room.log.push(message);
    if (room.log.length > ROOM_RETAINS) room.log.splice(0, room.log.length - ROOM_RETAINS);
    if (nonceKey) {
      room.nonces.set(nonceKey, { id: message.id, ts: now });
      pruneNonces(room.nonces, now);
    }
    for (const tail of room.tails) tail.message(message);
    return { message, duplicate: false };
  }

  async history(roomId: string, since: string | undefined, limit: number): Promise<HistoryResult> {
    const log = this.room(roomId)?.log ?? [];
    if (since !== undefined) {
      const at = log.findIndex((m) => m.id === since);
      if (at >= 0) return { messages: log.slice(at + 1), reset: false };
    }
    return { messages: log.slice(-limit), reset: true };
  }

  async range(roomId: string, query: RangeQuery): Promise<Message[]> {
    return sliceRange(this.room(roomId)?.log ?? [], query);
  }

  feed(roomId: string, handlers: FeedHandlers): Feed {
    return new RoomFeed(this.feedSource(roomId), handlers);
  }

  /** What the room's feed builds on: the log, and its tail (delivered synchronously on append). */
  feedSource(roomId: string): FeedSource {
    return {
      history: (since, limit) => this.history(roomId, since, limit),
      tail: (afterId, listener) => this.tail(roomId, afterId, listener),
      synced: async () => {},
    };
  }

  private tail(roomId: string, afterId: string, listener: TailListener): () => void {
    const room = this.room(roomId);
    if (!room) return () => {};
    room.tails.add(listener);
    // Anything stored after the cursor but before this call is delivered at once, in order.
    for (const m of room.log) if (compareIds(m.id, afterId) > 0) listener.message(m);
    return () => {
      room.tails.delete(listener);
    };
  }

  /** One instance: there is nobody else to relay events to. */
  async publish(_event: RoomEvent): Promise<void> {}

  async deleteRoom(roomId: string): Promise<void> {
    this.rooms.delete(roomId);
    this.channels.deleteRoomChannel(roomId);
  }

  async health(): Promise<BusHealth> {
    return "disabled";
  }

  async close(): Promise<void> {}
}

function pruneNonces(nonces: Map<string, { ts: number }>, now: number): void {
  // Map iteration is insertion order, so the oldest come first.
  for (const [key, { ts }] of nonces) {
    if (now - ts < NONCE_DEDUPE_MS) break;
    nonces.delete(key);
  }
}
