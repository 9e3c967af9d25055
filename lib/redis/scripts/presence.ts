import type { Result } from "ioredis";
import type { RoomKeyList } from "../keys";
import { roomScript } from "./prelude";

/**
 * Presence: live connections by last heartbeat (Redis clock), the clientIds announced as joined, and
 * the per-clientId index (see the prelude's `client_online`) that makes every change O(1): no
 * script reads all of a room's connections, so a lobby of 15k sockets costs what a room of 2 does.
 */

/** Reply of flarePresenceList: the exact count, and the first clientIds online with their names. */
export type PresenceListReply = [count: number, clientIds: string[], names: (string | null)[]];

declare module "ioredis" {
  interface RedisCommander<Context> {
    flarePresenceAdd(
      ...args: [
        ...keys: RoomKeyList,
        room: string,
        connectionId: string,
        clientId: string,
        name: string,
        connJson: string,
      ]
    ): Result<0 | 1, Context>;
    flarePresenceRemove(...args: [...keys: RoomKeyList, connectionId: string]): Result<1, Context>;
    flareSettleLeave(...args: [...keys: RoomKeyList, clientId: string]): Result<0 | 1, Context>;
    flarePresenceList(...args: [...keys: RoomKeyList, maxUsers: number]): Result<PresenceListReply, Context>;
    flareHeartbeat(
      ...args: [...keys: RoomKeyList, room: string, ttlMs: number, maxSweep: number, ...connectionIdJsonPairs: string[]]
    ): Result<string[], Context>;
  }
}

export const presenceScripts = {
  /** ARGV: room, connectionId, clientId, name, connJson → 1 when the clientId was newly announced */
  flarePresenceAdd: roomScript(`
local room, conn, client, name, json = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local mode, value = room_expiry(room)
if not mode then return gone() end
local now = now_ms()
if redis.call('ZADD', KEYS[K_PRESENCE], now, conn) == 1 then
  redis.call('HSET', KEYS[K_CONNS], conn, json)
  client_online(client, name, now)
end
local added = redis.call('SADD', KEYS[K_ANNOUNCED], client)
touch_room(mode, value, K_PRESENCE, K_CONNS, K_ANNOUNCED, K_CLIENTS, K_ONLINE, K_NAMES)
return added
`),

  /** ARGV: connectionId */
  flarePresenceRemove: roomScript(`
drop_conn(ARGV[1])
return 1
`),

  /**
   * ARGV: clientId → 1 when the clientId has no connection left and was announced (it is
   * un-announced atomically, so exactly one caller gets 1 per announcement), else 0. A connection
   * of a crashed instance counts until a heartbeat sweeps it; that heartbeat's caller settles it.
   */
  flareSettleLeave: roomScript(`
local client = ARGV[1]
if redis.call('HEXISTS', KEYS[K_CLIENTS], client) == 1 then return 0 end
return redis.call('SREM', KEYS[K_ANNOUNCED], client)
`),

  /** ARGV: maxUsers → {count of clientIds online, the first maxUsers of them by when they came, their names} */
  flarePresenceList: roomScript(`
local max = tonumber(ARGV[1])
local count = redis.call('ZCARD', KEYS[K_ONLINE])
if count == 0 then return {0, {}, {}} end
local ids = redis.call('ZRANGE', KEYS[K_ONLINE], 0, max - 1)
return {count, ids, redis.call('HMGET', KEYS[K_NAMES], unpack(ids))}
`),

  /**
   * ARGV: room, ttlMs, maxSweep, then connectionId, connJson pairs of this instance's connections →
   * the connection JSONs swept (not seen within the TTL: a crashed instance's), at most maxSweep of
   * the oldest per call, so a crash is cleaned up over a few heartbeats and never in one long
   * script. Only the caller whose script removed an entry gets it back.
   */
  flareHeartbeat: roomScript(`
local room, ttl, max = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local mode, value = room_expiry(room)
if not mode then return gone() end
local now = now_ms()
local readded = false
for i = 4, #ARGV, 2 do
  -- New here (Redis restarted empty, or swept while this instance stalled): index it again.
  if redis.call('ZADD', KEYS[K_PRESENCE], now, ARGV[i]) == 1 then
    readded = true
    redis.call('HSET', KEYS[K_CONNS], ARGV[i], ARGV[i + 1])
    local client, name = conn_client(ARGV[i + 1])
    if client then client_online(client, name, now) end
  end
end
local stale = redis.call('ZRANGEBYSCORE', KEYS[K_PRESENCE], '-inf', '(' .. string.format('%d', now - ttl), 'LIMIT', 0, max)
local pruned = {}
for _, conn in ipairs(stale) do
  local json = drop_conn(conn)
  if json then pruned[#pruned + 1] = json end
end
-- The lobby's keys live 24 h after their last use: keep them all. A private room's expire at its
-- fixed end, set by each script on the keys it writes: only an index written above needs it.
if mode == 'ttl' and #ARGV > 3 then touch_room(mode, value)
elseif readded then touch_room(mode, value, K_PRESENCE, K_CONNS, K_CLIENTS, K_ONLINE, K_NAMES) end
return pruned
`),
};
