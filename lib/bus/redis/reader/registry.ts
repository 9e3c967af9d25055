import { compareIds, isMessageId, START_ID } from "../../../protocol";
import { CONTROL_STREAM } from "../../../redis/keys";
import type { LogEntry, RoomEvent, TailListener } from "../../types";
import { errorFields, log } from "../../../observability/log";
import { metrics } from "../../../observability/metrics";
import { decodeEvent } from "../codec";

type Tail = { afterId: string; listener: TailListener<LogEntry> };

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
  /** Id of the last entry read (or the lowest tail cursor). */
  cursor: string;
  /** Id of the last events entry read; undefined until resolved to the stream's current end. */
  eventsCursor: string | undefined;
  /** Bumped when the cursor moves back (a tail with an older cursor): reads in flight are void. */
  epoch: number;
  tails: Set<Tail>;
};

/** What one XREAD names, and which room (at which epoch) each stream key belongs to. */
export type ReadPlan = {
  keys: string[];
  ids: string[];
  targets: Map<string, { kind: "messages" | "events"; room: ReaderRoom; epoch: number } | { kind: "control" }>;
};

/**
 * The logs the reader follows (by stream key) and the dispatch of what it read: entries to each
 * tail above its cursor, once, in id order; other instances' events to every tail of the room.
 */
export class ReaderRegistry {
  readonly rooms = new Map<string, ReaderRoom>();
  /** Id of the last control entry read; undefined until resolved to the stream's current end. */
  controlCursor: string | undefined;

  constructor(private readonly instanceId: string) {}

  /** Adds a tail; the returned function removes it and tells whether the reader has no rooms left. */
  add<T extends LogEntry>(spec: LogSpec<T>, afterId: string, listener: TailListener<T>): () => boolean {
    const cursor = isMessageId(afterId) ? afterId : START_ID;
    const room = spec.key;
    let r = this.rooms.get(room);
    if (!r) {
      // A log without an events stream has no events cursor to resolve.
      r = { spec, cursor, eventsCursor: spec.eventsKey ? undefined : START_ID, epoch: 0, tails: new Set() };
      this.rooms.set(room, r);
    } else if (compareIds(cursor, r.cursor) < 0) {
      r.cursor = cursor;
      r.epoch++;
    }
    const tail: Tail = { afterId: cursor, listener };
    r.tails.add(tail);
    const target = r;
    return () => {
      if (!target.tails.delete(tail) || target.tails.size > 0 || this.rooms.get(room) !== target) return false;
      this.rooms.delete(room);
      return this.rooms.size === 0;
    };
  }

  /** The next XREAD, or undefined while a room still waits for its events cursor. */
  plan(): ReadPlan | undefined {
    const plan: ReadPlan = { keys: [], ids: [], targets: new Map() };
    for (const r of this.rooms.values()) {
      if (r.eventsCursor === undefined) return undefined;
      plan.keys.push(r.spec.key);
      plan.ids.push(r.cursor);
      plan.targets.set(r.spec.key, { kind: "messages", room: r, epoch: r.epoch });
      if (!r.spec.eventsKey) continue;
      plan.keys.push(r.spec.eventsKey);
      plan.ids.push(r.eventsCursor);
      plan.targets.set(r.spec.eventsKey, { kind: "events", room: r, epoch: r.epoch });
    }
    plan.keys.push(CONTROL_STREAM);
    plan.ids.push(this.controlCursor ?? START_ID);
    plan.targets.set(CONTROL_STREAM, { kind: "control" });
    return plan;
  }

  /** Delivers one XREAD reply. False when a stream went backwards: the cursors must be verified. */
  dispatch(streams: [string, unknown[]][], plan: ReadPlan): boolean {
    let consistent = true;
    for (const [key, entries] of streams) {
      const target = plan.targets.get(key);
      if (!target) continue;
      if (target.kind === "control") this.dispatchControl(entries);
      else if (this.rooms.get(target.room.spec.key) === target.room && target.room.epoch === target.epoch) {
        if (target.kind === "events") this.dispatchEvents(target.room, entries);
        else if (!this.dispatchMessages(target.room, entries)) consistent = false;
      }
    }
    return consistent;
  }

  private dispatchMessages(r: ReaderRoom, entries: unknown[]): boolean {
    const lag = metrics().readerLagSeconds;
    const now = Date.now();
    for (const entry of entries) {
      if (!Array.isArray(entry) || typeof entry[0] !== "string" || !isMessageId(entry[0])) continue;
      const id = entry[0];
      // XREAD never goes backwards; if a server ever did, treat it as a log that restarted.
      if (compareIds(id, r.cursor) <= 0) return false;
      r.cursor = id;
      lag.observe(Math.max(0, now - Number.parseInt(id, 10)) / 1000);
      const message = r.spec.decode(id, entry[1]);
      if (!message) continue;
      for (const tail of [...r.tails]) {
        if (compareIds(id, tail.afterId) <= 0) continue;
        tail.afterId = id;
        safely(() => tail.listener.message(message));
      }
    }
    return true;
  }

  private dispatchEvents(r: ReaderRoom, entries: unknown[]): void {
    for (const entry of entries) {
      if (!Array.isArray(entry) || typeof entry[0] !== "string") continue;
      r.eventsCursor = entry[0];
      const decoded = decodeEvent(entry[1]);
      if (!decoded || decoded.origin === this.instanceId || decoded.event.room !== r.spec.room) continue;
      deliverEvent(r, decoded.event);
    }
  }

  private dispatchControl(entries: unknown[]): void {
    for (const entry of entries) {
      if (!Array.isArray(entry) || typeof entry[0] !== "string") continue;
      this.controlCursor = entry[0];
      const decoded = decodeEvent(entry[1]);
      if (!decoded || decoded.origin === this.instanceId) continue;
      // The room's log and its room channel, when followed here; destroy events are rare.
      for (const r of this.rooms.values()) if (r.spec.room === decoded.event.room) deliverEvent(r, decoded.event);
    }
  }
}

/** The log of `r` went away: its cursor and every tail restart at "0-0", and the tails are told. */
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
