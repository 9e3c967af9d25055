import { waitUntil } from "@vercel/functions";
import type { Bus } from "../bus/types";
import { forEachLimited } from "../limits/for-each-limited";
import { LOBBY } from "../protocol";
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
/** Rooms refreshed at once after this instance was taken for dead. */
const REFRESH_CONCURRENCY = 16;

/**
 * Who is online, as this instance sees to it: tells the other instances when the set changed,
 * stores "joined" / "left" system messages (a "left" only after a grace period without the
 * clientId coming back anywhere), and beats: proves this instance alive (once, whatever its rooms)
 * so that a crashed instance's users are swept by the survivors, and re-reads the presence of the
 * rooms that changed since the last beat.
 */
export class PresenceKeeper {
  /** Pending "left" checks: the timer and what settles its waitUntil promise when it is cancelled. */
  private readonly leaveTimers = new Map<NodeJS.Timeout, () => void>();
  private readonly heartbeat: NodeJS.Timeout;
  private beating = false;
  /** Rooms whose presence-change event could not be published (the bus was down): sent again on the beat. */
  private readonly unpublished = new Set<string>();

  constructor(
    private readonly bus: Bus,
    private readonly rooms: ReadonlyMap<string, LocalRoom>,
    private readonly options: PresenceKeeperOptions,
  ) {
    this.heartbeat = setInterval(() => void this.beat(), options.heartbeatMs);
    this.heartbeat.unref();
  }

  /**
   * A connection was admitted: this instance recomputes presence (the others were told by the
   * store's add); a new clientId is announced.
   */
  joined(room: LocalRoom, conn: Connection, announce: boolean): void {
    room.schedulePresence();
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
        .then(() => this.rooms.get(roomId)?.schedulePresence())
        .catch(() => {}),
    );
    if (!this.rooms.get(roomId)?.hasClient(clientId)) this.scheduleLeave(roomId, clientId, name);
  }

  /** The store restarted empty: this instance's entries of the room go back in at once. */
  reregister(room: LocalRoom): void {
    void this.refresh(room);
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
    this.unpublished.delete(room);
    try {
      await this.bus.publish({ kind: "presence", room });
    } catch {
      this.unpublished.add(room);
    }
  }

  /**
   * Proves this instance alive and settles what the survivors' share of a crashed instance brought.
   * A beat that outlasts the interval (a big sweep) is not overlapped by the next: that one is skipped.
   */
  private async beat(): Promise<void> {
    if (this.beating) return;
    this.beating = true;
    try {
      const { revived, swept } = await this.bus.presence.beat(new Set(this.rooms.keys()));
      for (const { room, users } of swept) {
        this.rooms.get(room)?.schedulePresence();
        void this.publish(room);
        for (const user of users) void this.settleLeave(room, user.clientId, user.name);
      }
      if (revived) await forEachLimited([...this.rooms.values()], REFRESH_CONCURRENCY, (room) => this.refresh(room));
      else await this.keepLobby();
    } catch {
      // Next beat.
    } finally {
      this.beating = false;
    }
    this.resync();
  }

  /**
   * A room re-reads its presence on the beat after any change (a frame that raced a later one is
   * corrected); an unchanged room costs nothing. Events that could not be published go again.
   */
  private resync(): void {
    for (const room of this.rooms.values()) {
      if (!room.presenceChanged) continue;
      room.schedulePresence();
      room.presenceChanged = false;
    }
    for (const room of [...this.unpublished]) void this.publish(room);
  }

  /** The lobby's keys live 24 h after their last use: a lobby with people in it keeps them. */
  private async keepLobby(): Promise<void> {
    if (this.rooms.get(LOBBY)?.members.size) await this.bus.presence.refresh(LOBBY, []);
  }

  /** Puts this instance's entries of the room back, and tells the other instances. */
  private async refresh(room: LocalRoom): Promise<void> {
    const entries = [...room.members]
      .filter((m) => m.clientId !== "" && m.state === "joined")
      .map((m) => ({ connectionId: m.id, clientId: m.clientId, name: m.name }));
    try {
      await this.bus.presence.refresh(room.id, entries);
      room.schedulePresence();
      await this.publish(room.id);
    } catch {
      // The room is gone, or the bus is down: the next revival or store reset brings it back.
    }
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}
