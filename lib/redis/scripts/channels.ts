import type { Result } from "ioredis";
import type { RoomKeyList } from "../keys";
import type { ScriptDefinition } from "./prelude";
import { roomScript } from "./prelude";
import { NOTIFY_LUA } from "./notify";

/** Channel logs (lib/channels): append and history, each one atomic round trip on the channel's slot. */

type Entry = [id: string, fields: string[]];

/** Entries after `since` (reset 0) | the newest `limit` newest first (reset 1), with the stream's newest id. */
export type ChannelHistoryReply = [reset: 0, entries: Entry[]] | [reset: 1, entries: Entry[], lastId: string | null];

declare module "ioredis" {
  interface RedisCommander<Context> {
    flareEmit(key: string, maxlen: number, ttlMs: number, event: string, data: string): Result<string, Context>;
    flareEmitRoom(
      ...args: [...keys: RoomKeyList, room: string, maxlen: number, event: string, data: string]
    ): Result<string, Context>;
    flareChannelHistory(key: string, since: string, limit: number): Result<ChannelHistoryReply, Context>;
  }
}

export const channelScripts: Record<"flareEmit" | "flareEmitRoom" | "flareChannelHistory", ScriptDefinition> = {
  /** KEYS: the channel's stream. ARGV: maxlen, ttlMs, event, data → the event's id; the stream expires ttlMs after. */
  flareEmit: {
    numberOfKeys: 1,
    lua: `${NOTIFY_LUA}
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'e', ARGV[3], 'd', ARGV[4])
notify(KEYS[1], id, 'e', ARGV[3], 'd', ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return id
`,
  },

  /** A room channel: ARGV room, maxlen, event, data → the event's id, under the room's expiry rule (ROOM_NOT_FOUND once gone). */
  flareEmitRoom: roomScript(`
local mode, value = room_expiry(ARGV[1])
if not mode then return gone() end
local id = redis.call('XADD', KEYS[K_CHANNEL], 'MAXLEN', '~', ARGV[2], '*', 'e', ARGV[3], 'd', ARGV[4])
notify(KEYS[K_CHANNEL], id, 'e', ARGV[3], 'd', ARGV[4])
touch_room(mode, value, K_CHANNEL)
return id
`),

  /**
   * KEYS: the channel's stream. ARGV: since ('' = none), limit → {0, entries after since} when the
   * stream holds since | {1, newest limit entries newest first, the stream's newest id or nil}.
   */
  flareChannelHistory: {
    numberOfKeys: 1,
    lua: `
local since, limit = ARGV[1], tonumber(ARGV[2])
if since ~= '' then
  local at = redis.call('XRANGE', KEYS[1], since, since)
  if #at > 0 then return {0, redis.call('XRANGE', KEYS[1], '(' .. since, '+')} end
end
local newest = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
local last = false
if #newest > 0 then last = newest[1][1] end
if limit == 0 then return {1, {}, last} end
return {1, redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', limit), last}
`,
  },
};
