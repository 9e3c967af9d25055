import type { Result } from "ioredis";
import type { RoomKeyList } from "../keys";
import { roomScript } from "./prelude";

/** Presence: live connections by last heartbeat (Redis clock) and the clientIds announced as joined. */

declare module "ioredis" {
  interface RedisCommander<Context> {
    flarePresenceAdd(
      ...args: [...keys: RoomKeyList, room: string, connectionId: string, clientId: string, connJson: string]
    ): Result<0 | 1, Context>;
    flarePresenceRemove(...args: [...keys: RoomKeyList, connectionId: string]): Result<1, Context>;
    flareSettleLeave(...args: [...keys: RoomKeyList, clientId: string, ttlMs: number]): Result<0 | 1, Context>;
    /** Null where a connection's hash field vanished between the two reads. */
    flarePresenceList(...args: [...keys: RoomKeyList, ttlMs: number]): Result<(string | null)[], Context>;
    flareHeartbeat(
      ...args: [...keys: RoomKeyList, room: string, ttlMs: number, ...connectionIdJsonPairs: string[]]
    ): Result<string[], Context>;
  }
}

export const presenceScripts = {
  /** ARGV: room, connectionId, clientId, connJson → 1 when the clientId was newly announced */
  flarePresenceAdd: roomScript(`
local room, conn, client, json = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local mode, value = room_expiry(room)
if not mode then return gone() end
redis.call('ZADD', KEYS[K_PRESENCE], now_ms(), conn)
redis.call('HSET', KEYS[K_CONNS], conn, json)
local added = redis.call('SADD', KEYS[K_ANNOUNCED], client)
touch_room(mode, value, K_PRESENCE, K_CONNS, K_ANNOUNCED)
return added
`),

  /** ARGV: connectionId */
  flarePresenceRemove: roomScript(`
redis.call('ZREM', KEYS[K_PRESENCE], ARGV[1])
redis.call('HDEL', KEYS[K_CONNS], ARGV[1])
return 1
`),

  /**
   * ARGV: clientId, ttlMs → 1 when the clientId has no live connection and was announced (it is
   * un-announced atomically, so exactly one caller gets 1 per announcement), else 0.
   */
  flareSettleLeave: roomScript(`
local client, ttl = ARGV[1], tonumber(ARGV[2])
local live = redis.call('ZRANGEBYSCORE', KEYS[K_PRESENCE], string.format('%d', now_ms() - ttl), '+inf')
if #live > 0 then
  local vals = hmget_all(KEYS[K_CONNS], live)
  for i = 1, #vals do
    if vals[i] then
      local ok, c = pcall(cjson.decode, vals[i])
      if ok and type(c) == 'table' and c.clientId == client then return 0 end
    end
  end
end
return redis.call('SREM', KEYS[K_ANNOUNCED], client)
`),

  /** ARGV: ttlMs → the connection JSONs of live connections */
  flarePresenceList: roomScript(`
local ttl = tonumber(ARGV[1])
local live = redis.call('ZRANGEBYSCORE', KEYS[K_PRESENCE], string.format('%d', now_ms() - ttl), '+inf')
if #live == 0 then return {} end
return hmget_all(KEYS[K_CONNS], live)
`),

  /**
   * ARGV: room, ttlMs, then connectionId, connJson pairs → the connection JSONs pruned (older than
   * the TTL). Only the caller whose script removed an entry gets it back.
   */
  flareHeartbeat: roomScript(`
local room, ttl = ARGV[1], tonumber(ARGV[2])
local mode, value = room_expiry(room)
if not mode then return gone() end
local now = now_ms()
for i = 3, #ARGV, 2 do
  redis.call('ZADD', KEYS[K_PRESENCE], now, ARGV[i])
  redis.call('HSET', KEYS[K_CONNS], ARGV[i], ARGV[i + 1])
end
local stale = redis.call('ZRANGEBYSCORE', KEYS[K_PRESENCE], '-inf', '(' .. string.format('%d', now - ttl))
local pruned = {}
if #stale > 0 then
  local vals = hmget_all(KEYS[K_CONNS], stale)
  for i = 1, #vals do if vals[i] then pruned[#pruned + 1] = vals[i] end end
  remove_members(KEYS[K_PRESENCE], KEYS[K_CONNS], stale)
end
if #ARGV > 2 then touch_room(mode, value) end
return pruned
`),
};
