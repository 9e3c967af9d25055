import { compareIds, IdSequence, NONCE_DEDUPE_MS, ROOM_RETAINS, type Message, type PresenceUser } from "../protocol";
import type {
  AppendResult,
  Bus,
  BusHealth,
  HistoryResult,
  MessageDraft,
  Presence,
  PresenceEntry,
  RangeQuery,
  RoomEvent,
  RoomListener,
} from "./types";
import { sliceRange } from "./range";

type MemoryRoom = {
  log: Message[];
  ids: IdSequence;
  /** `${clientId}\n${nonce}` → first message id and when it was stored. */
  nonces: Map<string, { id: string; ts: number }>;
  listeners: Set<{ afterId: string; listener: RoomListener }>;
  connections: Map<string, { clientId: string; name: string }>;
  announced: Set<string>;
};

/** One instance, everything in this process. Messages are delivered synchronously on append. */
export class MemoryBus implements Bus {
  readonly mode = "memory" as const;
  private readonly rooms = new Map<string, MemoryRoom>();
  readonly presence: Presence;

  constructor(readonly instanceId: string) {
    this.presence = new MemoryPresence((room) => this.room(room));
  }

  private room(id: string): MemoryRoom {
    let room = this.rooms.get(id);
    if (!room) {
      room = {
        log: [],
        ids: new IdSequence(),
        nonces: new Map(),
        listeners: new Set(),
        connections: new Map(),
        announced: new Set(),
      };
      this.rooms.set(id, room);
    }
    return room;
  }

  async append(draft: MessageDraft): Promise<AppendResult> {
    const room = this.room(draft.room);
    const now = Date.now();
    const nonceKey = draft.nonce === undefined ? undefined : `${draft.clientId}\n${draft.nonce}`;
    if (nonceKey) {
      const seen = room.nonces.get(nonceKey);
      if (seen && now - seen.ts < NONCE_DEDUPE_MS) {
        const first = room.log.find((m) => m.id === seen.id);
        if (first) return { message: first, duplicate: true };
      }
    }
    const message: Message = {
      id: room.ids.next(now),
      room: draft.room,
      clientId: draft.clientId,
      name: draft.name,
      text: draft.text,
      ts: now,
      ...(draft.system ? { system: true as const } : {}),
      ...(draft.event ? { event: draft.event } : {}),
      ...(draft.nonce !== undefined ? { nonce: draft.nonce } : {}),
    };
    room.log.push(message);
    if (room.log.length > ROOM_RETAINS) room.log.splice(0, room.log.length - ROOM_RETAINS);
    if (nonceKey) {
      room.nonces.set(nonceKey, { id: message.id, ts: now });
      pruneNonces(room.nonces, now);
    }
    for (const sub of room.listeners) {
      sub.afterId = message.id;
      sub.listener.message(message);
    }
    return { message, duplicate: false };
  }

  async history(roomId: string, since: string | undefined, limit: number): Promise<HistoryResult> {
    const log = this.room(roomId).log;
    if (since !== undefined) {
      const at = log.findIndex((m) => m.id === since);
      if (at >= 0) return { messages: log.slice(at + 1), reset: false };
    }
    return { messages: log.slice(-limit), reset: true };
  }

  async range(roomId: string, query: RangeQuery): Promise<Message[]> {
    return sliceRange(this.room(roomId).log, query);
  }

  subscribe(roomId: string, afterId: string, listener: RoomListener): () => void {
    const room = this.room(roomId);
    const sub = { afterId, listener };
    room.listeners.add(sub);
    // Anything stored after the cursor but before this call is delivered at once, in order.
    for (const m of room.log) if (compareIds(m.id, afterId) > 0) listener.message(m);
    return () => {
      room.listeners.delete(sub);
    };
  }

  /** One instance: there is nobody else to relay events to. */
  async publish(_event: RoomEvent): Promise<void> {}

  async deleteRoom(roomId: string): Promise<void> {
    this.rooms.delete(roomId);
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

class MemoryPresence implements Presence {
  constructor(private readonly room: (id: string) => MemoryRoom) {}

  async add(roomId: string, entry: PresenceEntry): Promise<{ announce: boolean }> {
    const room = this.room(roomId);
    room.connections.set(entry.connectionId, { clientId: entry.clientId, name: entry.name });
    if (room.announced.has(entry.clientId)) return { announce: false };
    room.announced.add(entry.clientId);
    return { announce: true };
  }

  async remove(roomId: string, connectionId: string): Promise<void> {
    this.room(roomId).connections.delete(connectionId);
  }

  async settleLeave(roomId: string, clientId: string): Promise<boolean> {
    const room = this.room(roomId);
    for (const c of room.connections.values()) if (c.clientId === clientId) return false;
    return room.announced.delete(clientId);
  }

  async list(roomId: string): Promise<PresenceUser[]> {
    return distinctUsers(this.room(roomId).connections.values());
  }

  async heartbeat(): Promise<PresenceUser[]> {
    return [];
  }
}

/** Distinct clientIds, first name seen wins, ordered by name then clientId. */
export function distinctUsers(entries: Iterable<{ clientId: string; name: string }>): PresenceUser[] {
  const byClient = new Map<string, string>();
  for (const e of entries) if (!byClient.has(e.clientId)) byClient.set(e.clientId, e.name);
  return [...byClient]
    .map(([clientId, name]) => ({ clientId, name }))
    .sort((a, b) => a.name.localeCompare(b.name) || a.clientId.localeCompare(b.clientId));
}
