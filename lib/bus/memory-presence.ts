import { PRESENCE_MAX_USERS, type PresenceUser } from "../protocol";
import type { Presence, PresenceBeat, PresenceEntry, PresenceSnapshot } from "./types";
import { byName } from "./users";

/** Who is online in each room of a single instance. */
export type MemoryPresenceRoom = {
  connections: Map<string, { clientId: string; name: string }>;
  /**
   * clientId → its name and how many connections it has, for clientIds with at least one. A Map
   * iterates in insertion order, so this is also "by when it came online", as `:online` in Redis.
   */
  clients: Map<string, { name: string; connections: number }>;
  /** clientIds that got a "joined" message and no "left" yet. */
  announced: Set<string>;
};

/** The same semantics as RedisPresence (lib/bus/redis/presence.ts), each change O(1). */
export class MemoryPresence implements Presence {
  /**
   * `room` gives a room's presence state: created on demand for a room that may be written, or
   * undefined for one that is gone (and must not come back through a late removal).
   */
  constructor(private readonly room: (id: string) => MemoryPresenceRoom | undefined) {}

  async add(roomId: string, entry: PresenceEntry): Promise<{ announce: boolean; presence: PresenceSnapshot }> {
    const room = this.room(roomId);
    if (!room) return { announce: false, presence: { count: 0, users: [] } };
    if (!room.connections.has(entry.connectionId)) {
      room.connections.set(entry.connectionId, { clientId: entry.clientId, name: entry.name });
      const client = room.clients.get(entry.clientId);
      if (client) {
        client.connections++;
        client.name = entry.name;
      } else room.clients.set(entry.clientId, { name: entry.name, connections: 1 });
    }
    const announce = !room.announced.has(entry.clientId);
    room.announced.add(entry.clientId);
    return { announce, presence: snapshot(room) };
  }

  async remove(roomId: string, connectionId: string): Promise<void> {
    const room = this.room(roomId);
    const conn = room?.connections.get(connectionId);
    if (!room || !conn) return;
    room.connections.delete(connectionId);
    const client = room.clients.get(conn.clientId);
    if (client && --client.connections <= 0) room.clients.delete(conn.clientId);
  }

  async settleLeave(roomId: string, clientId: string): Promise<boolean> {
    const room = this.room(roomId);
    if (!room || room.clients.has(clientId)) return false;
    return room.announced.delete(clientId);
  }

  async list(roomId: string): Promise<PresenceSnapshot> {
    const room = this.room(roomId);
    return room ? snapshot(room) : { count: 0, users: [] };
  }

  /** One instance: no other instance's entries can go stale. */
  /** One instance: nobody else to prove it is alive to, no entries it could lose. */
  async beat(): Promise<PresenceBeat> {
    return { revived: false, swept: [] };
  }

  async refresh(): Promise<void> {}
}

function snapshot(room: MemoryPresenceRoom): PresenceSnapshot {
  const users: PresenceUser[] = [];
  for (const [clientId, { name }] of room.clients) {
    if (users.length === PRESENCE_MAX_USERS) break;
    users.push({ clientId, name });
  }
  return { count: room.clients.size, users: users.sort(byName) };
}
