import { compareIds, isMessageId, START_ID } from "../../../protocol";
import { CONTROL_STREAM } from "../../../redis/keys";
import type { LogEntry, RoomEvent, TailListener } from "../../types";
import { errorFields, log } from "../../../observability/log";
import { metrics } from "../../../observability/metrics";
import { decodeEvent } from "../codec";

type Tail = { afterId: string; listener: TailListener<LogEntry> };

/** A raw stream entry, as XRANGE returns it or a notice announces it. */
export type Entry = [id: string, fields: unknown];

/** Which of a log's streams an entry belongs to. */
export type StreamKind = "messages" | "events";

/**
 * A log the reader can follow: a room's messages (with its events stream) or a channel's events.
 * The reader knows logs by their stream key.
 */
export type LogSpec<T extends LogEntry> = {
  /** The stream of the log's entries. */
  key: string;
  /** The stream of typing / presence events relayed with it (rooms only). */
  eventsKey?: string | undefined;
  /** The room whose `destroyed` (control stream) ends this log's tails: a room, or a room channel. */
  room?: string | undefined;
  /** A stream entry as the log's entry; undefined for one that is not ours. */
  decode(id: string, fields: unknown): T | undefined;
};

/** One log the reader follows: its streams, how far it has read them, and its tails. */
export type ReaderRoom = {
  spec: LogSpec<LogEntry>;
  /** Id of the last entry delivered (or the lowest tail cursor). */
  cursor: string;
  /** Id of the last events entry delivered; undefined until resolved to the stream's current end. */
  eventsCursor: string | undefined;
  /** Bumped when the cursor moves (back for a tail with an older cursor, or a restart): reads in flight are void. */
  epoch: number;
  tails: Set<Tail>;
  /** Notices held back while the log catches up from its streams; undefined while it reads live. */
  held: { kind: StreamKind; entry: Entry }[] | undefined;
};

/** Where a notice's channel (a stream key) leads. */
export type StreamTarget = { kind: StreamKind; room: ReaderRoom } | { kind: "control" };

/**
 * The logs the reader follows (by stream key) and the delivery of their entries: each entry to
 * every tail above its cursor, once, in id order; other instances' events to every tail of the room.
 * Entries at or below a cursor are ones already delivered (a catch-up read and a notice can both
 * carry the same entry) and are skipped.
 */
export class ReaderRegistry {
  readonly rooms = new Map<string, ReaderRoom>();
  private readonly byEventsKey = new Map<string, ReaderRoom>();
  /** Id of the last control entry delivered; undefined until resolved to the stream's current end. */
  controlCursor: string | undefined;

  constructor(private readonly instanceId: string) {}

  /**
   * Adds a tail. `moved` is true when the log is new or its cursor moved back: it must catch up.
   * `remove` takes the tail out and returns the log once it has no tails left.
   */
  add<T extends LogEntry>(
    spec: LogSpec<T>,
    afterId: string,
    listener: TailListener<T>,
  ): { room: ReaderRoom; moved: boolean; remove: () => ReaderRoom | undefined } {
    const cursor = isMessageId(afterId) ? afterId : START_ID;
    const key = spec.key;
    let r = this.rooms.get(key);
    let moved = false;
    if (!r) {
      // A log without an events stream has no events cursor to resolve.
      r = { spec, cursor, eventsCursor: spec.eventsKey ? undefined : START_ID, epoch: 0, tails: new Set(), held: [] };
      this.rooms.set(key, r);
      if (spec.eventsKey) this.byEventsKey.set(spec.eventsKey, r);
      moved = true;
    } else if (compareIds(cursor, r.cursor) < 0) {
      r.cursor = cursor;
      r.epoch++;
      moved = true;
    }
    const tail: Tail = { afterId: cursor, listener };
    r.tails.add(tail);
    const target = r;
    const remove = () => {
      if (!target.tails.delete(tail) || target.tails.size > 0 || this.rooms.get(key) !== target) return undefined;
      this.rooms.delete(key);
      if (target.spec.eventsKey) this.byEventsKey.delete(target.spec.eventsKey);
      return target;
    };
    return { room: r, moved, remove };
  }

  /** True while `r` is the log the registry follows under its key. */
  follows(r: ReaderRoom): boolean {
    return this.rooms.get(r.spec.key) === r;
  }

  /** The stream a notice's channel names, if it is followed here. */
  target(streamKey: string): StreamTarget | undefined {
    if (streamKey === CONTROL_STREAM) return { kind: "control" };
    const r = this.rooms.get(streamKey);
    if (r) return { kind: "messages", room: r };
    const e = this.byEventsKey.get(streamKey);
    return e ? { kind: "events", room: e } : undefined;
  }

  deliver(kind: StreamKind, r: ReaderRoom, entries: readonly unknown[]): void {
    if (kind === "messages") this.deliverMessages(r, entries);
    else this.deliverEvents(r, entries);
  }

  deliverMessages(r: ReaderRoom, entries: readonly unknown[]): void {
    const lag = metrics().readerLagSeconds;
    // Wall-clock ms without `Date.now()`, which `next start` wraps in two AsyncLocalStorage lookups
    // per call (~1 % of a chat instance's CPU here, once per notice).
    const now = performance.timeOrigin + performance.now();
    for (const entry of entries) {
      const id = entryId(entry);
      if (!id || !isMessageId(id) || compareIds(id, r.cursor) <= 0) continue;
      r.cursor = id;
      lag.observe(Math.max(0, now - Number.parseInt(id, 10)) / 1000);
      const message = r.spec.decode(id, (entry as Entry)[1]);
      if (!message) continue;
      for (const tail of [...r.tails]) {
        if (compareIds(id, tail.afterId) <= 0) continue;
        tail.afterId = id;
        safely(() => tail.listener.message(message));
      }
    }
  }

  deliverEvents(r: ReaderRoom, entries: readonly unknown[]): void {
    for (const entry of entries) {
      const id = entryId(entry);
      if (!id || (r.eventsCursor !== undefined && compareIds(id, r.eventsCursor) <= 0)) continue;
      r.eventsCursor = id;
      const decoded = decodeEvent((entry as Entry)[1]);
      if (!decoded || decoded.origin === this.instanceId || decoded.event.room !== r.spec.room) continue;
      deliverEvent(r, decoded.event);
    }
  }

  deliverControl(entries: readonly unknown[]): void {
    for (const entry of entries) {
      const id = entryId(entry);
      if (!id || (this.controlCursor !== undefined && compareIds(id, this.controlCursor) <= 0)) continue;
      this.controlCursor = id;
      const decoded = decodeEvent((entry as Entry)[1]);
      if (!decoded || decoded.origin === this.instanceId) continue;
      // The room's log and its room channel, when followed here; destroy events are rare.
      for (const r of this.rooms.values()) if (r.spec.room === decoded.event.room) deliverEvent(r, decoded.event);
    }
  }
}

/** The id of a raw stream entry, if it is one. */
export function entryId(entry: unknown): string | undefined {
  return Array.isArray(entry) && typeof entry[0] === "string" ? entry[0] : undefined;
}

/** The log of `r` went away: its cursor and every tail restart at "0-0". */
export function restart(r: ReaderRoom): void {
  r.cursor = START_ID;
  r.epoch++;
  for (const tail of r.tails) tail.afterId = START_ID;
}

export function notifyReset(r: ReaderRoom): void {
  for (const tail of [...r.tails]) safely(() => tail.listener.reset());
}

function deliverEvent(r: ReaderRoom, event: RoomEvent): void {
  for (const tail of [...r.tails]) safely(() => tail.listener.event(event));
}

function safely(fn: () => void): void {
  try {
    fn();
  } catch (e) {
    log().error({ ...errorFields(e) }, "room listener failed");
  }
}
