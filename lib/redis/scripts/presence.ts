import type { Result } from "ioredis";
import type { KeyList, RoomKeyList } from "../keys";
import type { EventArgs } from "./events";
import { roomScript } from "./prelude";

/**
 * Presence: live connections by the incarnation of the instance holding them, the clientIds
 * announced as joined, and the per-clientId index (see the prelude's `client_online`) that makes
 * every change O(1): no script reads all of a room's connections, so a lobby of 15k sockets costs
 * what a room of 2 does. Nothing here runs per room on a timer: an instance proves it is alive
 * once for all its rooms (./liveness.ts), and a dead one's entries are swept by incarnation.
 */

/** Reply of flarePresenceList: the exact count, and the first clientIds online with their names. */
export type PresenceListReply = [count: number, clientIds: string[], names: (string | null)[]];

/** Reply of flarePresenceAdd: 1 when the clientId was newly announced, then the list after the add. */
export type PresenceAddReply = [added: 0 | 1, ...list: PresenceListReply];

/** The keys flareSettleLeave reads and writes. */
export const SETTLE_KEYS = ["clients", "announced"] as const;
/** The keys flarePresenceList reads (every instance holding a room runs it after a change). */
export const LIST_KEYS = ["online", "names"] as const;

declare module "ioredis" {
  interface RedisCommander<Context> {
    flarePresenceAdd(
      ...args: [
        ...keys: RoomKeyList,
        room: string,
        incarnation: number,
        connectionId: string,
        clientId: string,
        name: string,
        connJson: string,
        ...event: EventArgs,
        maxUsers: number,
      ]
    ): Result<PresenceAddReply, Context>;
    flarePresenceRemove(
      ...args: [...keys: RoomKeyList, room: string, connectionId: string, ...event: EventArgs]
    ): Result<1, Context>;
    flareSettleLeave(...args: [...keys: KeyList<typeof SETTLE_KEYS>, clientId: string]): Result<0 | 1, Context>;
    flarePresenceList(
      ...args: [...keys: KeyList<typeof LIST_KEYS>, maxUsers: number]
    ): Result<PresenceListReply, Context>;
    flarePresenceRefresh(
      ...args: [...keys: RoomKeyList, room: string, incarnation: number, ...connectionIdJsonPairs: string[]]
    ): Result<number, Context>;
    flarePresenceSweep(...args: [...keys: RoomKeyList, incarnation: number, max: number]): Result<string[], Context>;
  }
}

export const presenceScripts = {
  /**
   * ARGV: room, incarnation, connectionId, clientId, name, connJson, the presence event (see
   * EventArgs), maxUsers → {1 when the clientId was newly announced else 0, then what
   * flarePresenceList answers}: the joiner's own presence read rides on its add. Every instance
   * holding the room is told in the same round trip.
   */
  flarePresenceAdd: roomScript(`
local room, incarnation, conn, client, name, json = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local mode, value = room_expiry(room)
if not mode then return gone() end
local now = now_ms()
if redis.call('ZADD', KEYS[K_PRESENCE], incarnation, conn) == 1 then
  redis.call('HSET', KEYS[K_CONNS], conn, json)
  client_online(client, name, now)
  -- The newest connection's name: a tab that rejoined under a new name shows it at once, even
  -- while its old connection is still closing.
  redis.call('HSET', KEYS[K_NAMES], client, name)
end
local added = redis.call('SADD', KEYS[K_ANNOUNCED], client)
touch_room(mode, value, K_PRESENCE, K_CONNS, K_ANNOUNCED, K_CLIENTS, K_ONLINE, K_NAMES)
append_event(mode, value, ARGV[7], ARGV[8], ARGV[9])
local list = presence_list(tonumber(ARGV[10]))
return {added, list[1], list[2], list[3]}
`),

  /** ARGV: room, connectionId, then the presence event (see EventArgs); a room already gone is told nothing */
  flarePresenceRemove: roomScript(`
drop_conn(ARGV[2])
local mode, value = room_expiry(ARGV[1])
if mode then append_event(mode, value, ARGV[3], ARGV[4], ARGV[5]) end
return 1
`),

  /**
   * ARGV: clientId → 1 when the clientId has no connection left and was announced (it is
   * un-announced atomically, so exactly one caller gets 1 per announcement), else 0. A connection
   * of a crashed instance counts until a survivor sweeps it; that survivor settles it.
   */
  flareSettleLeave: roomScript(
    `
local client = ARGV[1]
if redis.call('HEXISTS', KEYS[K_CLIENTS], client) == 1 then return 0 end
return redis.call('SREM', KEYS[K_ANNOUNCED], client)
`,
    SETTLE_KEYS,
  ),

  /** ARGV: maxUsers → {count of clientIds online, the first maxUsers of them by when they came, their names} */
  flarePresenceList: roomScript(
    `
return presence_list(tonumber(ARGV[1]))
`,
    LIST_KEYS,
  ),

  /**
   * ARGV: room, incarnation, then connectionId, connJson pairs of this instance's connections → how
   * many were not there. Puts them back under this incarnation: after Redis lost them, or after this
   * instance was taken for dead (stalled past the TTL) and took a new incarnation. The lobby's keys
   * live 24 h after their last use: a refresh keeps them all; a private room's end is fixed, and
   * only an index written here needs it.
   */
  flarePresenceRefresh: roomScript(`
local room, incarnation = ARGV[1], ARGV[2]
local mode, value = room_expiry(room)
if not mode then return gone() end
local now = now_ms()
local readded = 0
for i = 3, #ARGV, 2 do
  if redis.call('ZADD', KEYS[K_PRESENCE], incarnation, ARGV[i]) == 1 then
    readded = readded + 1
    redis.call('HSET', KEYS[K_CONNS], ARGV[i], ARGV[i + 1])
    local client, name = conn_client(ARGV[i + 1])
    if client then client_online(client, name, now) end
  end
end
if mode == 'ttl' then touch_room(mode, value)
elseif readded > 0 then touch_room(mode, value, K_PRESENCE, K_CONNS, K_CLIENTS, K_ONLINE, K_NAMES) end
return readded
`),

  /**
   * ARGV: incarnation, max → the connection JSONs of that (dead) incarnation taken out of the room,
   * at most max per call, so a crashed lobby instance of 15k sockets is swept in short scripts.
   * Only the caller whose script removed an entry gets it back.
   */
  flarePresenceSweep: roomScript(`
local stale = redis.call('ZRANGEBYSCORE', KEYS[K_PRESENCE], ARGV[1], ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local pruned = {}
for _, conn in ipairs(stale) do
  local json = drop_conn(conn)
  if json then pruned[#pruned + 1] = json end
end
return pruned
`),
};
