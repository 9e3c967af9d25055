import type { Bus, Feed, PresenceSnapshot, RoomEvent } from "../bus/types";
import { CLOSE_CODES, type DestroyReason, type ServerFrame } from "../protocol";
import type { RoomMember } from "./member";
import { log } from "../observability/log";
import { ExpiryTimer } from "./expiry";
import { TextFrame } from "./text-frame";

export type LocalRoomHooks = {
  /** The last member left: the hub forgets the room. */
  empty(room: LocalRoom): void;
  /** The store restarted empty: the hub registers this room's presence again. */
  reset(room: LocalRoom): void;
};

export type AdmitOptions = {
  since?: string | undefined;
  limit?: number | undefined;
  /**
   * The member is a person the caller has just added to the room's presence, and the caller calls
   * `schedulePresence()` once for that arrival if admit() returns true. The arrival then counts as
   * signalled before the member's own presence frame, so that frame also serves everyone's refresh.
   * `presence` is what the add read, `mark` the room's `presenceMark` just before the add was sent:
   * when nothing changed since, that read is the member's presence frame and nothing is read again.
   */
  arrival?: { mark: number; presence: PresenceSnapshot } | undefined;
};

type PresenceRead = { signals: number; frame: ServerFrame; wire: TextFrame };

/**
 * One room as seen by this instance: its members (sockets and server-side subscribers), fanned out
 * to from the room's feed, plus what the room broadcasts itself: presence, typing, its end.
 * Ordering (history, then live, nothing missed or doubled) is the feed's job: lib/bus/feed.ts.
 */
export class LocalRoom {
  readonly members = new Set<RoomMember>();
  private readonly feed: Feed;
  private readonly expiry = new ExpiryTimer(() => this.end("expired"));
  private presenceTimer: NodeJS.Timeout | undefined;
  /**
   * Presence changes signalled so far. A read remembers the count it started at: a refresh with
   * no signal since then sends that read's frame instead of reading again (issue #9: each join
   * read the room's presence twice, for the joiner and then for everyone).
   */
  private presenceSignals = 0;
  /** Arrivals counted ahead by admit() whose `schedulePresence()` has not come yet. */
  private signalsAhead = 0;
  private latestRead: PresenceRead | undefined;

  constructor(
    readonly id: string,
    private readonly bus: Bus,
    private readonly hooks: LocalRoomHooks,
  ) {
    this.feed = bus.feed(id, {
      event: (event) => this.onEvent(event),
      reset: () => {
        this.latestRead = undefined;
        for (const m of this.members) m.lastPresence = undefined;
        this.hooks.reset(this);
      },
    });
  }

  /**
   * The one way into the room, for sockets and subscribers alike: history, then the presence set,
   * then live messages. False when the member left while its history was in flight. Rejects (with
   * the member out of the room) when the log cannot be read.
   */
  async admit(member: RoomMember, { since, limit, arrival }: AdmitOptions = {}): Promise<boolean> {
    if (member.state === "closed") return false;
    if (arrival) {
      this.presenceSignals++;
      this.signalsAhead++;
      // The add saw every change signalled before `mark`, and this arrival.
      this.remember(arrival.mark + 1, arrival.presence);
    }
    member.state = "joining";
    member.roomId = this.id;
    this.members.add(member);
    try {
      await this.feed.open(member, {
        since,
        limit,
        beforeLive: async () => {
          if (member.state !== "joining") return;
          member.state = "joined";
          // On failure presence follows with the next change or beat.
          await this.sendPresence(member).catch(() => {});
        },
      });
    } catch (e) {
      if (arrival) this.uncountArrival();
      this.remove(member);
      throw e;
    }
    if (member.joined) return true;
    if (arrival) this.uncountArrival();
    this.remove(member);
    return false;
  }

  /** An arrival that will not be signalled after all; a signal it absorbed meanwhile counts again. */
  private uncountArrival(): void {
    if (this.signalsAhead > 0) this.signalsAhead--;
    else this.presenceSignals++;
  }

  remove(member: RoomMember): void {
    if (!this.members.delete(member)) return;
    this.feed.close(member);
    if (this.members.size > 0) return;
    clearTimeout(this.presenceTimer);
    this.presenceTimer = undefined;
    this.latestRead = undefined;
    this.expiry.clear();
    this.hooks.empty(this);
  }

  /** A private room ends itself at its expiry on every instance that holds it. */
  expireAt(expiresAt: number): void {
    this.expiry.at(expiresAt);
  }

  hasClient(clientId: string): boolean {
    for (const m of this.members) if (m.clientId === clientId) return true;
    return false;
  }

  /** Sends a frame to every joined member, optionally skipping one clientId's connections. */
  broadcast(frame: ServerFrame, exceptClientId?: string): void {
    const wire = TextFrame.of(frame);
    for (const m of this.members) {
      if (m.state !== "joined" || m.clientId === exceptClientId) continue;
      m.push(frame, wire);
    }
  }

  /**
   * Set by every presence change, cleared by the beat, which then re-reads the room's presence
   * once more: a frame that lost a race with a later change is corrected within one beat.
   */
  presenceChanged = false;

  /** Recomputes presence (coalesced) and sends it to the members whose view changed. */
  schedulePresence(): void {
    if (this.signalsAhead > 0) this.signalsAhead--;
    else this.presenceSignals++;
    this.presenceChanged = true;
    if (this.presenceTimer) return;
    this.presenceTimer = setTimeout(() => {
      this.presenceTimer = undefined;
      void this.refreshPresence();
    }, presenceDelayMs(this.members.size));
  }

  /** The count of presence changes signalled so far: what a read started now would reflect. */
  get presenceMark(): number {
    return this.presenceSignals;
  }

  private async readPresence(): Promise<PresenceRead> {
    const signals = this.presenceSignals;
    return this.remember(signals, await this.bus.presence.list(this.id));
  }

  private remember(signals: number, { count, users }: PresenceSnapshot): PresenceRead {
    const frame: ServerFrame = { type: "presence", room: this.id, count, users };
    const read = { signals, frame, wire: TextFrame.of(frame) };
    if (!this.latestRead || signals >= this.latestRead.signals) this.latestRead = read;
    return read;
  }

  /** The newest read when no change was signalled since it started, else a new one. */
  private async currentPresence(): Promise<PresenceRead> {
    const latest = this.latestRead;
    return latest?.signals === this.presenceSignals ? latest : this.readPresence();
  }

  private async sendPresence(member: RoomMember): Promise<void> {
    const { frame, wire } = await this.currentPresence();
    member.lastPresence = wire;
    member.push(frame, wire);
  }

  private async refreshPresence(): Promise<void> {
    if (this.members.size === 0) return;
    try {
      const { frame, wire } = await this.currentPresence();
      // Members mostly share the frame they were last sent: compare each distinct one once (the
      // JSON of a big room's list is kilobytes).
      let checked: TextFrame | undefined;
      let unchanged = false;
      for (const m of this.members) {
        if (m.state !== "joined") continue;
        const last = m.lastPresence;
        if (last !== checked) {
          checked = last;
          unchanged = last !== undefined && (last === wire || last.json === wire.json);
        }
        if (unchanged) continue;
        m.lastPresence = wire;
        m.push(frame, wire);
      }
    } catch {
      // The bus is down; the next change or beat recomputes presence.
    }
  }

  /** Tells every member the room ended and closes them with 4010. */
  end(reason: DestroyReason): void {
    log().info({ room: this.id, reason, members: this.members.size }, "room ended on this instance");
    const frame = { type: "destroyed", room: this.id, reason } as const;
    const wire = TextFrame.of(frame);
    for (const m of [...this.members]) {
      m.push(frame, wire);
      m.close(CLOSE_CODES.roomEnded, reason);
    }
  }

  /** Typing, presence and destroy events, from other instances or from this one. */
  onEvent(event: RoomEvent): void {
    switch (event.kind) {
      case "typing":
        this.broadcast({ type: "typing", room: this.id, clientId: event.clientId, name: event.name }, event.clientId);
        return;
      case "presence":
        this.schedulePresence();
        return;
      case "destroyed":
        this.end(event.reason);
        return;
    }
  }
}

/**
 * Presence frames carry the whole user list to every member, so a join in a room of n people
 * costs O(n) frames of O(n) bytes. Bigger rooms coalesce changes over a longer window (well
 * inside the contract's 1 s).
 */
export function presenceDelayMs(members: number): number {
  if (members <= 20) return 25;
  if (members <= 200) return 150;
  return 400;
}
