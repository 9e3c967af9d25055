import { isRoomChannel } from "../channels/names";
import {
  type ChannelDraft,
  type ChannelLog,
  type ChannelRangeQuery,
  MAX_EVENT_ENTRY_BYTES,
  type Retention,
} from "../channels/types";
import { type ChannelEvent, compareIds, FlareError, IdSequence } from "../protocol";
import { RoomFeed } from "./feed";
import { idTime } from "./stored-message";
import type { Feed, FeedHandlers, HistoryResult, TailListener } from "./types";

type MemoryChannel = {
  log: ChannelEvent[];
  ids: IdSequence;
  tails: Set<TailListener<ChannelEvent>>;
  /** When an application channel's events expire (ms); room channels end with their room. */
  expiresAt: number;
};

/**
 * Channel logs in this process. Live events reach the tails synchronously on emit. An expired
 * application channel is dropped when next touched, as its Redis stream would have expired.
 */
export class MemoryChannelLog implements ChannelLog {
  private readonly channels = new Map<string, MemoryChannel>();

  constructor(private readonly roomExists: (room: string) => boolean) {}

  async emit(drafts: ChannelDraft[], retention: Retention): Promise<ChannelEvent[]> {
    for (const { channel } of drafts) {
      if (isRoomChannel(channel) && !this.roomExists(channel)) throw new FlareError("room_not_found");
    }
    const now = Date.now();
    return drafts.map(({ channel, event, data }) => {
      const c = this.channel(channel, true);
      const id = c.ids.next(now);
      const stored: ChannelEvent = { id, channel, event, data, ts: idTime(id) };
      c.log.push(stored);
      if (c.log.length > retention.maxLength) c.log.splice(0, c.log.length - retention.maxLength);
      c.expiresAt = isRoomChannel(channel) ? Infinity : now + retention.expireAfterSecs * 1000;
      for (const tail of c.tails) tail.message(stored);
      return stored;
    });
  }

  async history(channel: string, since: string | undefined, limit: number): Promise<HistoryResult<ChannelEvent>> {
    const log = this.channel(channel, false)?.log ?? [];
    if (since !== undefined) {
      const at = log.findIndex((e) => e.id === since);
      if (at >= 0) return { messages: log.slice(at + 1), reset: false };
    }
    const lastId = log.at(-1)?.id;
    return { messages: limit > 0 ? log.slice(-limit) : [], reset: true, ...(lastId ? { lastId } : {}) };
  }

  async range(channel: string, { start, end, limit }: ChannelRangeQuery): Promise<ChannelEvent[]> {
    const log = this.channel(channel, false)?.log ?? [];
    const inRange = log.filter((e) => after(e, start) && before(e, end));
    return start !== undefined ? inRange.slice(0, limit) : inRange.slice(-limit);
  }

  feed(channel: string, handlers: FeedHandlers): Feed<ChannelEvent> {
    return new RoomFeed<ChannelEvent>(
      {
        history: (since, limit) => this.history(channel, since, limit),
        tail: (afterId, listener) => {
          const c = this.channel(channel, true);
          c.tails.add(listener);
          for (const e of c.log) if (compareIds(e.id, afterId) > 0) listener.message(e);
          return () => c.tails.delete(listener);
        },
        synced: async () => {},
        maxEntryBytes: MAX_EVENT_ENTRY_BYTES,
      },
      handlers,
    );
  }

  /** A room was deleted: its channel goes with it (its followers were told by the hub). */
  deleteRoomChannel(room: string): void {
    const c = this.channels.get(room);
    if (c && c.tails.size === 0) this.channels.delete(room);
    else if (c) c.log.length = 0;
  }

  private channel(name: string, create: true): MemoryChannel;
  private channel(name: string, create: false): MemoryChannel | undefined;
  private channel(name: string, create: boolean): MemoryChannel | undefined {
    let c = this.channels.get(name);
    if (c && c.expiresAt <= Date.now() && c.tails.size === 0) {
      this.channels.delete(name);
      c = undefined;
    }
    if (c || !create) return c;
    c = { log: [], ids: new IdSequence(), tails: new Set(), expiresAt: Infinity };
    this.channels.set(name, c);
    return c;
  }
}

/** A bound is an event id, or epoch ms covering every id of that millisecond. */
function after(e: ChannelEvent, start: string | number | undefined): boolean {
  if (start === undefined) return true;
  return typeof start === "number" ? e.ts >= start : compareIds(e.id, start) >= 0;
}

function before(e: ChannelEvent, end: string | number | undefined): boolean {
  if (end === undefined) return true;
  return typeof end === "number" ? e.ts <= end : compareIds(e.id, end) <= 0;
}
