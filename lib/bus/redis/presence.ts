import { PRESENCE_MAX_USERS, type PresenceUser } from "../../protocol";
import type { Commands } from "../../redis/commands";
import { allRoomKeys, roomKeyList } from "../../redis/keys";
import { byName, distinctUsers } from "../users";
import type { Presence, PresenceBeat, PresenceEntry, PresenceSnapshot } from "../types";
import { decodeConnections, encodeConnection } from "./codec";
import { InstanceLiveness } from "./liveness";
import { eventArgs } from "./room-events";
import type { EventArgs } from "../../redis/scripts/events";
import { LIST_KEYS, type PresenceListReply, SETTLE_KEYS } from "../../redis/scripts/presence";
import { forEachLimited } from "../../limits/for-each-limited";

/**
 * Entries of a dead incarnation one sweep script takes out of a room at most: a lobby instance of
 * 15k sockets that crashed is swept in short scripts.
 */
const SWEEP_PER_SCRIPT = 1000;
/** Rooms of a dead incarnation swept at once. */
const SWEEP_CONCURRENCY = 16;

/**
 * Presence across instances: `:presence` (zset connectionId → incarnation of the instance holding
 * it) and `:conns` (hash connectionId → {clientId, name, instance}), indexed by clientId in
 * `:clients` (connection counts), `:online` (clientId → when it came online) and `:names`;
 * `:announced` holds the clientIds that got a "joined" message. Add, remove, settle and list cost
 * O(1) whatever the room's size (list: O(PRESENCE_MAX_USERS)), each one script, one round trip.
 * Liveness is per instance, not per room (./liveness.ts): an idle room costs Redis nothing.
 */
export class RedisPresence implements Presence {
  private readonly liveness: InstanceLiveness;

  constructor(
    private readonly cmd: Commands,
    ttlMs: number,
  ) {
    this.liveness = new InstanceLiveness(cmd, ttlMs);
  }

  /** The presence event an add or remove appends in its own round trip: every instance recomputes. */
  private changed(room: string): EventArgs {
    return eventArgs({ kind: "presence", room }, this.cmd.instanceId);
  }

  private json(entry: PresenceEntry): string {
    return encodeConnection({ clientId: entry.clientId, name: entry.name, instance: this.cmd.instanceId });
  }

  async add(room: string, entry: PresenceEntry): Promise<{ announce: boolean; presence: PresenceSnapshot }> {
    const { incarnation } = this.liveness;
    const [, [added, ...list]] = await Promise.all([
      this.liveness.list(room),
      this.cmd.run((c) =>
        c.flarePresenceAdd(
          ...allRoomKeys(room),
          room,
          incarnation,
          entry.connectionId,
          entry.clientId,
          entry.name,
          this.json(entry),
          ...this.changed(room),
          PRESENCE_MAX_USERS,
        ),
      ),
    ]);
    return { announce: added === 1, presence: snapshot(list) };
  }

  async remove(room: string, connectionId: string): Promise<void> {
    await this.cmd.run((c) => c.flarePresenceRemove(...allRoomKeys(room), room, connectionId, ...this.changed(room)));
  }

  async settleLeave(room: string, clientId: string): Promise<boolean> {
    const removed = await this.cmd.run((c) => c.flareSettleLeave(...roomKeyList(room, SETTLE_KEYS), clientId));
    return removed === 1;
  }

  async list(room: string): Promise<PresenceSnapshot> {
    return snapshot(
      await this.cmd.run((c) => c.flarePresenceList(...roomKeyList(room, LIST_KEYS), PRESENCE_MAX_USERS)),
    );
  }

  async refresh(room: string, entries: PresenceEntry[]): Promise<void> {
    const { incarnation } = this.liveness;
    const pairs = entries.flatMap((e) => [e.connectionId, this.json(e)]);
    if (entries.length > 0) await this.liveness.list(room);
    await this.cmd.run((c) => c.flarePresenceRefresh(...allRoomKeys(room), room, incarnation, ...pairs));
  }

  async beat(rooms: ReadonlySet<string>): Promise<PresenceBeat> {
    const { revived, claimed } = await this.liveness.beat(rooms);
    const swept: PresenceBeat["swept"] = [];
    for (const incarnation of claimed) {
      for await (const step of this.liveness.roomsOf(incarnation)) {
        await forEachLimited(step, SWEEP_CONCURRENCY, async (room) => {
          const users = await this.sweep(room, incarnation);
          if (users.length > 0) swept.push({ room, users });
        });
      }
      await this.liveness.swept(incarnation);
    }
    return { revived, swept };
  }

  /** Every entry of a dead incarnation in the room, one bounded script at a time. */
  private async sweep(room: string, incarnation: number): Promise<PresenceUser[]> {
    const pruned: string[] = [];
    for (;;) {
      const step = await this.cmd.run((c) => c.flarePresenceSweep(...allRoomKeys(room), incarnation, SWEEP_PER_SCRIPT));
      pruned.push(...step);
      if (step.length < SWEEP_PER_SCRIPT) break;
    }
    // One user per clientId even when several of its connections were swept.
    return distinctUsers(decodeConnections(pruned));
  }
}

/** The presence frame's content from a list reply (a name gone meanwhile drops its clientId). */
function snapshot([count, clientIds, names]: PresenceListReply): PresenceSnapshot {
  const users: PresenceUser[] = [];
  clientIds.forEach((clientId, i) => {
    const name = names[i];
    if (typeof name === "string") users.push({ clientId, name });
  });
  return { count: Number(count), users: users.sort(byName) };
}
