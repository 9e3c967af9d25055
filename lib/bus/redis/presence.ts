import { PRESENCE_MAX_USERS, type PresenceUser } from "../../protocol";
import type { Commands } from "../../redis/commands";
import { allRoomKeys } from "../../redis/keys";
import { byName, distinctUsers } from "../users";
import type { Presence, PresenceEntry, PresenceSnapshot } from "../types";
import { decodeConnections, encodeConnection } from "./codec";

/**
 * Stale connections (a crashed instance's) one heartbeat sweeps at most: a lobby instance of 15k
 * sockets that crashed is gone from presence within a few heartbeats, each script staying short.
 */
const SWEEP_PER_HEARTBEAT = 1000;

/**
 * Presence across instances: `:presence` (zset connectionId → last seen, Redis clock) and `:conns`
 * (hash connectionId → {clientId, name, instance}), indexed by clientId in `:clients` (connection
 * counts), `:online` (clientId → when it came online) and `:names`; `:announced` holds the clientIds
 * that got a "joined" message. Add, remove, settle and list cost O(1) whatever the room's size (list:
 * O(PRESENCE_MAX_USERS)); a heartbeat costs O(this instance's connections in the room) plus a
 * bounded sweep of entries older than the TTL (crashed instances). Each call is one script, one
 * round trip.
 */
export class RedisPresence implements Presence {
  constructor(
    private readonly cmd: Commands,
    private readonly ttlMs: number,
  ) {}

  private json(entry: PresenceEntry): string {
    return encodeConnection({ clientId: entry.clientId, name: entry.name, instance: this.cmd.instanceId });
  }

  async add(room: string, entry: PresenceEntry): Promise<{ announce: boolean }> {
    const added = await this.cmd.run((c) =>
      c.flarePresenceAdd(...allRoomKeys(room), room, entry.connectionId, entry.clientId, entry.name, this.json(entry)),
    );
    return { announce: added === 1 };
  }

  async remove(room: string, connectionId: string): Promise<void> {
    await this.cmd.run((c) => c.flarePresenceRemove(...allRoomKeys(room), connectionId));
  }

  async settleLeave(room: string, clientId: string): Promise<boolean> {
    const removed = await this.cmd.run((c) => c.flareSettleLeave(...allRoomKeys(room), clientId));
    return removed === 1;
  }

  async list(room: string): Promise<PresenceSnapshot> {
    const [count, clientIds, names] = await this.cmd.run((c) =>
      c.flarePresenceList(...allRoomKeys(room), PRESENCE_MAX_USERS),
    );
    const users: PresenceUser[] = [];
    clientIds.forEach((clientId, i) => {
      const name = names[i];
      if (typeof name === "string") users.push({ clientId, name });
    });
    return { count: Number(count), users: users.sort(byName) };
  }

  async heartbeat(room: string, entries: PresenceEntry[]): Promise<PresenceUser[]> {
    const pairs = entries.flatMap((e) => [e.connectionId, this.json(e)]);
    const pruned = await this.cmd.run((c) =>
      c.flareHeartbeat(...allRoomKeys(room), room, this.ttlMs, SWEEP_PER_HEARTBEAT, ...pairs),
    );
    // One user per clientId even when several of its connections were pruned.
    return distinctUsers(decodeConnections(pruned));
  }
}
