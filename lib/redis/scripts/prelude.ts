import { LOBBY } from "../../protocol";
import { ROOM_KEY_ORDER, type RoomKeyName } from "../keys";
import { NOTIFY_LUA } from "./notify";

/**
 * What the room scripts share. A room script takes all of a room's keys, in `ROOM_KEY_ORDER`, so
 * the calls are uniform and the keys are declared for Redis Cluster (they share the room's hash
 * tag); the scripts that run per message, per join or per presence change (append, history,
 * presence list, settle leave) declare only the keys they touch. Clocks come from Redis `TIME`,
 * so every instance agrees on "now" whatever its own clock says.
 *
 * Errors a script means: `ROOM_NOT_FOUND …` (see `ROOM_NOT_FOUND_REPLY`).
 */

export const ROOM_NOT_FOUND_REPLY = "ROOM_NOT_FOUND";

/** Lobby keys expire this long after the last write to the lobby. */
export const LOBBY_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * Shared prelude: key positions, Redis-clock "now", the room expiry rule and chunked helpers.
 *
 * Expiry rule: a room whose `:meta` key exists expires with it (PEXPIRETIME of meta is applied with
 * PEXPIREAT to the keys a script writes); the lobby (no meta) gets PEXPIRE 24 h on them; any other
 * room without meta is gone, and the script writes nothing and answers ROOM_NOT_FOUND. The
 * scripts touch only the keys they wrote (a private room's end is fixed, so a key once touched
 * needs nothing more); the lobby's refresh, on each beat while people are in it, touches every key
 * of the lobby, so a lobby in use keeps all of its keys.
 */
function prelude(keys: readonly RoomKeyName[]): string {
  // A key the script does not declare is nil: a use of it fails loudly ("arguments must be strings").
  const k = (name: RoomKeyName) => {
    const at = keys.indexOf(name);
    return at === -1 ? "nil" : String(at + 1);
  };
  return `
local K_MESSAGES, K_EVENTS, K_PRESENCE, K_CONNS, K_ANNOUNCED = ${k("messages")}, ${k("events")}, ${k("presence")}, ${k("conns")}, ${k("announced")}
local K_NONCES, K_NONCE_TIMES, K_META = ${k("nonces")}, ${k("nonceTimes")}, ${k("meta")}
local K_CLIENTS, K_ONLINE, K_NAMES, K_CHANNEL = ${k("clients")}, ${k("online")}, ${k("names")}, ${k("channel")}
local ROOM_KEY_COUNT = ${keys.length}

local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- 'at', ms | 'ttl', ms | 'none', 0 (meta without expiry) | nil (the room is gone)
local function room_expiry(room)
  local at = redis.call('PEXPIRETIME', KEYS[K_META])
  if at == -2 then
    if room == '${LOBBY}' then return 'ttl', ${LOBBY_TTL_MS} end
    return nil, 0
  end
  if at == -1 then return 'none', 0 end
  return 'at', at
end

local function expire_key(mode, value, i)
  if mode == 'at' then redis.call('PEXPIREAT', KEYS[i], value) else redis.call('PEXPIRE', KEYS[i], value) end
end

-- Applies the room's expiry to the keys at the given positions (a hot path touches only the keys
-- it wrote), or to every key of the room but meta when none are given.
local function touch_room(mode, value, ...)
  if mode == 'none' then return end
  local only = {...}
  if #only > 0 then
    for _, i in ipairs(only) do expire_key(mode, value, i) end
    return
  end
  for i = 1, ROOM_KEY_COUNT do
    if i ~= K_META then expire_key(mode, value, i) end
  end
end

local function gone()
  return redis.error_reply('${ROOM_NOT_FOUND_REPLY} this room no longer exists')
end

-- HMGET in chunks (Lua's unpack has a stack limit).
local function hmget_all(key, fields)
  local out = {}
  for i = 1, #fields, 500 do
    local chunk = {}
    for j = i, math.min(i + 499, #fields) do chunk[#chunk + 1] = fields[j] end
    local vals = redis.call('HMGET', key, unpack(chunk))
    for j = 1, #vals do out[#out + 1] = vals[j] end
  end
  return out
end

-- Presence index, kept in step with :presence/:conns so that no script has to read every
-- connection of a room: :clients counts each clientId's connections, :online and :names hold the
-- clientIds with at least one (the first connection sets when it came online and its name).
local function client_online(client, name, now)
  if redis.call('HINCRBY', KEYS[K_CLIENTS], client, 1) == 1 then
    redis.call('ZADD', KEYS[K_ONLINE], now, client)
    redis.call('HSET', KEYS[K_NAMES], client, name)
  end
end

local function client_offline(client)
  if redis.call('HINCRBY', KEYS[K_CLIENTS], client, -1) <= 0 then
    redis.call('HDEL', KEYS[K_CLIENTS], client)
    redis.call('ZREM', KEYS[K_ONLINE], client)
    redis.call('HDEL', KEYS[K_NAMES], client)
  end
end

-- {count of clientIds online, the first max of them by when they came, their names}
local function presence_list(max)
  local count = redis.call('ZCARD', KEYS[K_ONLINE])
  if count == 0 then return {0, {}, {}} end
  local ids = redis.call('ZRANGE', KEYS[K_ONLINE], 0, max - 1)
  return {count, ids, redis.call('HMGET', KEYS[K_NAMES], unpack(ids))}
end

-- clientId, name of a :conns value (nil when it is not one of ours).
local function conn_client(json)
  local ok, c = pcall(cjson.decode, json)
  if ok and type(c) == 'table' and type(c.clientId) == 'string' and type(c.name) == 'string' then
    return c.clientId, c.name
  end
  return nil
end

-- Takes a connection out of presence and the index; its :conns JSON, or nil if it was not in.
local function drop_conn(conn)
  if redis.call('ZREM', KEYS[K_PRESENCE], conn) == 0 then return nil end
  local json = redis.call('HGET', KEYS[K_CONNS], conn)
  redis.call('HDEL', KEYS[K_CONNS], conn)
  if not json then return nil end
  local client = conn_client(json)
  if client then client_offline(client) end
  return json
end

${NOTIFY_LUA}
-- Appends a live-only event (typing, a presence change) to the room's events stream and notifies
-- its subscribers.
local function append_event(mode, value, maxlen, data, origin)
  local id = redis.call('XADD', KEYS[K_EVENTS], 'MAXLEN', '~', maxlen, '*', 'd', data, 'o', origin)
  notify(KEYS[K_EVENTS], id, 'o', origin, 'd', data)
  touch_room(mode, value, K_EVENTS)
  return id
end

local function remove_members(zkey, hkey, members)
  for i = 1, #members, 500 do
    local chunk = {}
    for j = i, math.min(i + 499, #members) do chunk[#chunk + 1] = members[j] end
    redis.call('ZREM', zkey, unpack(chunk))
    redis.call('HDEL', hkey, unpack(chunk))
  end
end
`;
}

/** How a script is registered with ioredis `defineCommand`. */
export type ScriptDefinition = { numberOfKeys: number; lua: string };

/**
 * A script over a room's keys, with the prelude in front of `body`: all of them in `ROOM_KEY_ORDER`
 * by default, or only `keys`, in that order (a hot path sends only the keys it touches).
 */
export function roomScript(body: string, keys: readonly RoomKeyName[] = ROOM_KEY_ORDER): ScriptDefinition {
  return { numberOfKeys: keys.length, lua: prelude(keys) + body };
}
