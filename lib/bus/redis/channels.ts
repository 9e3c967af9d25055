import { isRoomChannel } from "../../channels/names";
import {
  type ChannelDraft,
  type ChannelLog,
  type ChannelRangeQuery,
  MAX_EVENT_ENTRY_BYTES,
  type Retention,
} from "../../channels/types";
import { type ChannelEvent, FlareError, isMessageId } from "../../protocol";
import type { Commands } from "../../redis/commands";
import { allRoomKeys, channelKey } from "../../redis/keys";
import { pipelineBySlot } from "../../redis/pipeline";
import { RoomFeed } from "../feed";
import type { Feed, FeedHandlers, HistoryResult } from "../types";
import { idTime } from "../stored-message";
import { decodeChannelEvent, decodeChannelEvents } from "./codec";
import type { LogSpec } from "./reader/registry";
import type { StreamReader } from "./reader/stream-reader";

/**
 * Channel logs in Redis: one capped stream per channel (`channelKey`). Application channels expire
 * `expireAfterSecs` after their last emit; a room channel's stream is one of the room's keys and
 * follows the room's expiry rule (flareEmitRoom). Live events come through the instance's reader.
 */
export class RedisChannelLog implements ChannelLog {
  constructor(
    private readonly cmd: Commands,
    private readonly reader: StreamReader,
    /** How long a feed's history read waits for a reconnecting reader (as for rooms). */
    private readonly syncWaitMs: number,
  ) {}

  async emit(drafts: ChannelDraft[], retention: Retention): Promise<ChannelEvent[]> {
    const results = await this.cmd.run(async (c) => {
      const replies = await pipelineBySlot(
        c,
        drafts,
        ({ channel }) => channelKey(channel),
        (pipe, draft) => {
          const { channel, event } = draft;
          const json = JSON.stringify(draft.data);
          if (isRoomChannel(channel))
            pipe.flareEmitRoom(...allRoomKeys(channel), channel, retention.maxLength, event, json);
          else pipe.flareEmit(channelKey(channel), retention.maxLength, retention.expireAfterSecs * 1000, event, json);
        },
      );
      const failed = replies.find(([err]) => err);
      if (failed?.[0]) throw failed[0];
      return replies.map(([, id]) => id);
    });
    return drafts.map(({ channel, event, data }, i) => {
      const id = results[i];
      if (typeof id !== "string" || !isMessageId(id)) throw new FlareError("unavailable");
      return { id, channel, event, data, ts: idTime(id) };
    });
  }

  async history(channel: string, since: string | undefined, limit: number): Promise<HistoryResult<ChannelEvent>> {
    const validSince = since !== undefined && isMessageId(since) ? since : "";
    const reply = await this.cmd.run((c) => c.flareChannelHistory(channelKey(channel), validSince, limit));
    if (reply[0] === 0) return { messages: decodeChannelEvents(channel, reply[1]), reset: false };
    const messages = decodeChannelEvents(channel, reply[1]).reverse();
    return { messages, reset: true, ...(typeof reply[2] === "string" ? { lastId: reply[2] } : {}) };
  }

  async range(channel: string, { start, end, limit }: ChannelRangeQuery): Promise<ChannelEvent[]> {
    const key = channelKey(channel);
    if (start !== undefined) {
      const entries = await this.cmd.run((c) => c.xrange(key, String(start), String(end ?? "+"), "COUNT", limit));
      return decodeChannelEvents(channel, entries);
    }
    const entries = await this.cmd.run((c) => c.xrevrange(key, String(end ?? "+"), "-", "COUNT", limit));
    return decodeChannelEvents(channel, entries).reverse();
  }

  feed(channel: string, handlers: FeedHandlers): Feed<ChannelEvent> {
    const log: LogSpec<ChannelEvent> = {
      key: channelKey(channel),
      room: isRoomChannel(channel) ? channel : undefined,
      decode: (id, fields) => decodeChannelEvent(channel, id, fields),
    };
    return new RoomFeed<ChannelEvent>(
      {
        history: (since, limit) => this.history(channel, since, limit),
        tail: (afterId, listener) => this.reader.tail(log, afterId, listener),
        synced: async () => {
          if (this.cmd.client.status === "ready") await this.reader.synced(log.key, this.syncWaitMs);
        },
        maxEntryBytes: MAX_EVENT_ENTRY_BYTES,
      },
      handlers,
    );
  }
}
