import { type ChannelEvent, MAX_EVENT_DATA_BYTES } from "../protocol";
import type { Feed, FeedHandlers, HistoryResult } from "../bus/types";

/** The most JSON one stored event takes: its data, plus id, channel, name and time. */
export const MAX_EVENT_ENTRY_BYTES = MAX_EVENT_DATA_BYTES + 512;

/** How long an application channel keeps its events: at least `maxLength`, for `expireAfterSecs` after its last emit. */
export type Retention = { maxLength: number; expireAfterSecs: number };

/** One event to store: `data` already validated against the application's schema. */
export type ChannelDraft = { channel: string; event: string; data: unknown };

/** Inclusive bounds as event ids or epoch ms (a ms bound covers every id of that millisecond). */
export type ChannelRangeQuery = { start?: string | number; end?: string | number; limit: number };

/**
 * The part of a Bus that stores channels: one capped, ordered log per channel (Redis: one stream,
 * keys from lib/redis/keys.ts), read through the same ordered feed and instance reader as rooms.
 * A room channel (`"lobby"` or a private room's id) lives among the room's keys: it exists only
 * while the room does and its writes fail with `room_not_found` once the room is gone.
 */
export interface ChannelLog {
  /** Stores one event per draft (drafts to different channels: one round trip per Redis node). */
  emit(drafts: ChannelDraft[], retention: Retention): Promise<ChannelEvent[]>;
  /** After `since` when the channel still holds it, else the newest `limit` (`reset: true`). */
  history(channel: string, since: string | undefined, limit: number): Promise<HistoryResult<ChannelEvent>>;
  /** Oldest first; `limit` from `start` when given, else the newest `limit` up to `end`. */
  range(channel: string, query: ChannelRangeQuery): Promise<ChannelEvent[]>;
  /** The channel's ordered feed; `handlers.event` hears the `destroyed` of a room channel's room. */
  feed(channel: string, handlers: FeedHandlers): Feed<ChannelEvent>;
}
