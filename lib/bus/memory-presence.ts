import type { PresenceUser } from "../protocol";
import type { Presence, PresenceEntry } from "./types";
import { distinctUsers } from "./users";

/** Who is online in each room of a single instance. */
export type MemoryPresenceRoom = {
  connections: Map<string, { clientId: string; name: string }>;
  /** clientIds that got a "joined" message and no "left" yet. */
  announced: Set<string>;
};

export class MemoryPresence implements Presence {
  /**
   * `room` gives a room's presence state: created on demand for a room that may be written, or
   * undefined for one that is gone (and must not come back through a late removal).
   */
  constructor(private readonly room: (id: string) => MemoryPresenceRoom | undefined) {}

  async add(roomId: string, entry: PresenceEntry): Promise<{ announce: boolean }> {
    const room = this.room(roomId);
    if (!room) return { announce: false };
    room.connections.set(entry.connectionId, { clientId: entry.clientId, name: entry.name });
    if (room.announced.has(entry.clientId)) return { announce: false };
    room.announced.add(entry.clientId);
    return { announce: true };
  }

  async remove(roomId: string, connectionId: string): Promise<void> {
    this.room(roomId)?.connections.delete(connectionId);
  }

  async settleLeave(roomId: string, clientId: string): Promise<boolean> {
    const room = this.room(roomId);
    if (!room) return false;
    for (const c of room.connections.values()) if (c.clientId === clientId) return false;
    return room.announced.delete(clientId);
  }

  async list(roomId: string): Promise<PresenceUser[]> {
    const room = this.room(roomId);
    return room ? distinctUsers(room.connections.values()) : [];
  }

  /** One instance: no other instance's entries can go stale. */
  async heartbeat(): Promise<PresenceUser[]> {
    return [];
  }
}
