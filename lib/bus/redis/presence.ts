import type { PresenceUser } from "../../protocol";
import type { Commands } from "../../redis/commands";
import { allRoomKeys } from "../../redis/keys";
import { distinctUsers } from "../users";
import type { Presence, PresenceEntry } from "../types";
import { decodeConnections, encodeConnection } from "./codec";

/**
 * Presence across instances: `:presence` (zset connectionId → last seen, Redis clock) and `:conns`
 * (hash connectionId → {clientId, name, instance}); `:announced` holds the clientIds that got a
 * "joined" message. A connection is live while its score is within the TTL; heartbeats refresh this
 * instance's entries and prune everybody's stale ones (crashed instances). Each call is one script,
 * one round trip.
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
      c.flarePresenceAdd(...allRoomKeys(room), room, entry.connectionId, entry.clientId, this.json(entry)),
    );
    return { announce: added === 1 };
  }

  async remove(room: string, connectionId: string): Promise<void> {
    await this.cmd.run((c) => c.flarePresenceRemove(...allRoomKeys(room), connectionId));
  }

  async settleLeave(room: string, clientId: string): Promise<boolean> {
    const removed = await this.cmd.run((c) => c.flareSettleLeave(...allRoomKeys(room), clientId, this.ttlMs));
    return removed === 1;
  }

  async list(room: string): Promise<PresenceUser[]> {
    const values = await this.cmd.run((c) => c.flarePresenceList(...allRoomKeys(room), this.ttlMs));
    return distinctUsers(decodeConnections(values));
  }

  async heartbeat(room: string, entries: PresenceEntry[]): Promise<PresenceUser[]> {
    const pairs = entries.flatMap((e) => [e.connectionId, this.json(e)]);
    const pruned = await this.cmd.run((c) => c.flareHeartbeat(...allRoomKeys(room), room, this.ttlMs, ...pairs));
    // One user per clientId even when several of its connections were pruned.
    return distinctUsers(decodeConnections(pruned));
  }
}
