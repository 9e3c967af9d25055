import { waitUntil } from "@vercel/functions";
import type { Bus } from "../bus/types";
import type { Connection } from "./connection";
import type { LocalRoom } from "./local-room";

export type PresenceKeeperOptions = {
  /** Wait this long after a clientId's last connection closes before saying it left. */
  leaveGraceMs: number;
  /** How often this instance refreshes its presence entries (a third of the presence TTL). */
  heartbeatMs: number;
};

/** Shutdown waits at most this long for clients to resume elsewhere, and as long again for "left". */
const SHUTDOWN_STEP_MS = 2000;
/** Rooms whose heartbeat is in flight at once. */
const HEARTBEAT_CONCURRENCY = 16;
/** Every this many heartbeats a room re-reads its presence even without a change event. */
const PRESENCE_RESYNC_BEATS = 6;

/**
 * Who is online, as this instance sees to it: tells the other instances when the set changed,
 * stores "joined" / "left" system messages (a "left" only after a grace period without the
 * clientId coming back anywhere), and refreshes this instance's entries on a heartbeat so that a
 * crashed instance's users are pruned by the survivors.
 */
export class PresenceKeeper {
  /** Pending "left" checks: the timer and what settles its waitUntil promise when it is cancelled. */
  private readonly leaveTimers = new Map<NodeJS.Timeout, () => void>();
  private readonly heartbeat: NodeJS.Timeout;
  private beating = false;
  private beats = 0;

  constructor(
    private readonly bus: Bus,
    private readonly rooms: ReadonlyMap<string, LocalRoom>,
    private readonly options: PresenceKeeperOptions,
  ) {
    this.heartbeat = setInterval(() => void this.beat(), options.heartbeatMs);
    this.heartbeat.unref();
  }

  /** A connection was admitted: every instance recomputes presence; a new clientId is announced. */
  joined(room: LocalRoom, conn: Connection, announce: boolean): void {
    room.schedulePresence();
    void this.publish(room.id);
    if (announce) void this.appendSystem(room.id, conn.clientId, conn.name, "joined");
  }

  /**
   * A joined connection closed. What follows runs after the socket's request has ended, so it is
   * handed to `waitUntil`: on Vercel the instance is not suspended before it is done.
   */
  left(conn: Pick<Connection, "id" | "roomId" | "clientId" | "name">): void {
    const { roomId, clientId, name } = conn;
    waitUntil(
      this.bus.presence
        .remove(roomId, conn.id)
        .then(() => {
          this.rooms.get(roomId)?.schedulePresence();
          return this.publish(roomId);
        })
        .catch(() => {}),
    );
    if (!this.rooms.get(roomId)?.hasClient(clientId)) this.scheduleLeave(roomId, clientId, name);
  }

  /** The store restarted empty: this instance's entries of the room go back in at once. */
  reregister(room: LocalRoom): void {
    void this.beatRoom(room, true).then(() => this.publish(room.id));
  }

  /**
   * Shutdown, after every socket was closed: give the clients a moment to resume on another
   * instance, then store "left" for those that did not.
   */
  async stop(closed: Connection[]): Promise<void> {
    clearInterval(this.heartbeat);
    for (const [timer, cancel] of this.leaveTimers) {
      clearTimeout(timer);
      cancel();
    }
    this.leaveTimers.clear();
    await delay(Math.min(this.options.leaveGraceMs, SHUTDOWN_STEP_MS));
    const people = closed.filter((c) => c.roomId && c.clientId);
    await Promise.race([
      Promise.allSettled(people.map((c) => this.settleLeave(c.roomId, c.clientId, c.name))),
      delay(SHUTDOWN_STEP_MS),
    ]);
  }

  private scheduleLeave(roomId: string, clientId: string, name: string): void {
    const settled = new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.leaveTimers.delete(timer);
        resolve(this.settleLeave(roomId, clientId, name));
      }, this.options.leaveGraceMs);
      this.leaveTimers.set(timer, resolve);
    });
    waitUntil(settled);
  }

  private async settleLeave(roomId: string, clientId: string, name: string): Promise<void> {
    try {
      if (this.rooms.get(roomId)?.hasClient(clientId)) return;
      if (await this.bus.presence.settleLeave(roomId, clientId)) {
        await this.appendSystem(roomId, clientId, name, "left");
      }
    } catch {
      // Redis is down or the room is gone: nobody is left to tell.
    }
  }

  private async appendSystem(room: string, clientId: string, name: string, event: "joined" | "left"): Promise<void> {
    try {
      await this.bus.append({ room, clientId, name, text: `${name} ${event}`, system: true, event });
    } catch {
      // A lost system message is not worth failing anything for.
    }
  }

  private async publish(room: string): Promise<void> {
    try {
      await this.bus.publish({ kind: "presence", room });
    } catch {
      // Other instances recompute presence on their next heartbeat.
    }
  }

  /**
   * One pass over the rooms, a few at a time. A pass that outlasts the interval (thousands of rooms
   * on a busy box) is not overlapped by the next: that one is skipped.
   */
  private async beat(): Promise<void> {
    if (this.beating) return;
    this.beating = true;
    const resync = ++this.beats % PRESENCE_RESYNC_BEATS === 0;
    try {
      const rooms = [...this.rooms.values()];
      let next = 0;
      const worker = async () => {
        while (next < rooms.length) await this.beatRoom(rooms[next++]!, resync);
      };
      await Promise.all(Array.from({ length: Math.min(HEARTBEAT_CONCURRENCY, rooms.length) }, worker));
    } finally {
      this.beating = false;
    }
  }

  /**
   * Refreshes this instance's entries of the room; users of crashed instances are pruned and leave.
   * Presence changes reach every instance as events. The room re-reads its presence on the beat
   * after a change (a frame that raced a later one is corrected), and every PRESENCE_RESYNC_BEATS
   * beats anyway, in case an event was lost (its publish failed while Redis was down); an idle room
   * costs no read.
   */
  private async beatRoom(room: LocalRoom, resync: boolean): Promise<void> {
    const entries = [...room.members]
      .filter((m) => m.clientId !== "" && m.state === "joined")
      .map((m) => ({ connectionId: m.id, clientId: m.clientId, name: m.name }));
    const changed = room.presenceChanged;
    room.presenceChanged = false;
    try {
      const pruned = await this.bus.presence.heartbeat(room.id, entries);
      if (resync || changed || pruned.length > 0) {
        room.schedulePresence();
        room.presenceChanged = false;
      }
      if (pruned.length === 0) return;
      void this.publish(room.id);
      for (const user of pruned) void this.settleLeave(room.id, user.clientId, user.name);
    } catch {
      // Next beat.
    }
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}
