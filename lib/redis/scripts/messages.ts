import type { Result } from "ioredis";
import type { KeyList } from "../keys";
import { roomScript } from "./prelude";

/** The message log: nonce-deduplicated append and history, each one atomic round trip. */

type Entry = [id: string, fields: string[]];

/** A duplicate's first message comes with its stream fields while the stream still holds it. */
export type AppendReply =
  [duplicate: 0, id: string] | [duplicate: 1, firstId: string, firstFields: string[]] | [duplicate: 1, firstId: string];

/** Entries after `since` (reset 0), or the newest `limit` newest first (reset 1). */
export type HistoryReply = [reset: 0 | 1, entries: Entry[]];

/** The keys flareAppend declares, in this order: it runs for every message, so it sends only these. */
export const APPEND_KEYS = ["messages", "nonces", "nonceTimes", "meta"] as const;
/** The one key flareHistory reads (every join and resume runs it). */
export const HISTORY_KEYS = ["messages"] as const;

declare module "ioredis" {
  interface RedisCommander<Context> {
    flareAppend(
      ...args: [
        ...keys: KeyList<typeof APPEND_KEYS>,
        room: string,
        dedupeMs: number,
        maxlen: number,
        nonceMember: string,
        data: string,
        origin: string,
      ]
    ): Result<AppendReply, Context>;
    flareHistory(
      ...args: [...keys: KeyList<typeof HISTORY_KEYS>, since: string, limit: number]
    ): Result<HistoryReply, Context>;
  }
}

export const messageScripts = {
  /**
   * ARGV: room, dedupeMs, maxlen, nonceMember ('' = no nonce), data, origin
   * → {0, id} stored | {1, firstId, firstFields} duplicate nonce | {1, firstId} duplicate whose first
   * message the stream already trimmed: the nonce record (:nonces, :nonce-times) outlives the
   * stream's 1000, so a late resend is still acked with the first id and never stored twice.
   */
  flareAppend: roomScript(
    `
local room, dedupe, maxlen, member, data, origin = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local mode, value = room_expiry(room)
if not mode then return gone() end
local now = now_ms()
if member ~= '' then
  local first = redis.call('HGET', KEYS[K_NONCES], member)
  if first then
    local at = redis.call('ZSCORE', KEYS[K_NONCE_TIMES], member)
    if at and now - tonumber(at) < dedupe then
      local entry = redis.call('XRANGE', KEYS[K_MESSAGES], first, first)
      if #entry > 0 then return {1, first, entry[1][2]} end
      return {1, first}
    end
  end
end
local id = redis.call('XADD', KEYS[K_MESSAGES], 'MAXLEN', '~', maxlen, '*', 'd', data, 'o', origin)
notify(KEYS[K_MESSAGES], id, 'o', origin, 'd', data)
if member ~= '' then
  redis.call('HSET', KEYS[K_NONCES], member, id)
  redis.call('ZADD', KEYS[K_NONCE_TIMES], now, member)
  local old = redis.call('ZRANGEBYSCORE', KEYS[K_NONCE_TIMES], '-inf', '(' .. string.format('%d', now - dedupe), 'LIMIT', 0, 500)
  if #old > 0 then remove_members(KEYS[K_NONCE_TIMES], KEYS[K_NONCES], old) end
end
if member ~= '' then touch_room(mode, value, K_MESSAGES, K_NONCES, K_NONCE_TIMES) else touch_room(mode, value, K_MESSAGES) end
return {0, id}
`,
    APPEND_KEYS,
  ),

  /**
   * ARGV: since ('' = none), limit
   * → {0, entries after since} when the stream holds since | {1, newest limit entries, newest first}
   */
  flareHistory: roomScript(
    `
local since, limit = ARGV[1], ARGV[2]
if since ~= '' then
  local at = redis.call('XRANGE', KEYS[K_MESSAGES], since, since)
  if #at > 0 then return {0, redis.call('XRANGE', KEYS[K_MESSAGES], '(' .. since, '+')} end
end
return {1, redis.call('XREVRANGE', KEYS[K_MESSAGES], '+', '-', 'COUNT', limit)}
`,
    HISTORY_KEYS,
  ),
};
