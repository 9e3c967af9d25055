import type Redis from "ioredis";
import { LOBBY } from "../protocol";
import { allRoomKeys, ROOM_KEY_ORDER } from "./keys";

/**
 * Flare's Lua scripts. Each runs atomically in Redis and costs one round trip (EVALSHA through
 * ioredis `defineCommand`, which falls back to EVAL after a NOSCRIPT, e.g. a restarted Redis).
 *
 * Every script takes ALL of a room's keys, in `ROOM_KEY_ORDER`, so the calls are uniform and the
 * keys are declared for Redis Cluster (they share the room's hash tag). Clocks come from Redis
 * `TIME`, so every instance agrees on "now" whatever its own clock says.
 *
 * Errors a script means: `ROOM_NOT_FOUND …` (see `ROOM_NOT_FOUND_REPLY`).
 */

export const ROOM_NOT_FOUND_REPLY = "ROOM_NOT_FOUND";

/** Lobby keys expire this long after the last write to the lobby. */
export const LOBBY_TTL_MS = 24 * 60 * 60 * 1000;

const k = (name: (typeof ROOM_KEY_ORDER)[number]) => ROOM_KEY_ORDER.indexOf(name) + 1;

/**
 * Shared prelude: key positions, Redis-clock "now", the room expiry rule and chunked helpers.
 *
 * Expiry rule: a room whose `:meta` key exists expires with it (PEXPIRETIME of meta is applied with
 * PEXPIREAT to every other key of the room); the lobby (no meta) gets PEXPIRE 24 h on every write;
 * any other room without meta is gone, and the script writes nothing and answers ROOM_NOT_FOUND.
 */
const PRELUDE = `
local K_MESSAGES, K_EVENTS, K_PRESENCE, K_CONNS, K_ANNOUNCED = ${k("messages")}, ${k("events")}, ${k("presence")}, ${k("conns")}, ${k("announced")}
local K_NONCES, K_NONCE_TIMES, K_META = ${k("nonces")}, ${k("nonceTimes")}, ${k("meta")}
local ROOM_KEY_COUNT = ${ROOM_KEY_ORDER.length}

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

local function touch_room(mode, value)
  if mode == 'none' then return end
  for i = 1, ROOM_KEY_COUNT do
    if i ~= K_META then
      if mode == 'at' then redis.call('PEXPIREAT', KEYS[i], value) else redis.call('PEXPIRE', KEYS[i], value) end
    end
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

local function remove_members(zkey, hkey, members)
  for i = 1, #members, 500 do
    local chunk = {}
    for j = i, math.min(i + 499, #members) do chunk[#chunk + 1] = members[j] end
    redis.call('ZREM', zkey, unpack(chunk))
    redis.call('HDEL', hkey, unpack(chunk))
  end
end
`;

const SCRIPTS = {
  /**
   * ARGV: room, dedupeMs, maxlen, nonceMember ('' = no nonce), data, origin
   * → {0, id} stored | {1, firstId, firstFields} duplicate nonce
   */
  flareAppend: `
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
    end
  end
end
local id = redis.call('XADD', KEYS[K_MESSAGES], 'MAXLEN', '~', maxlen, '*', 'd', data, 'o', origin)
if member ~= '' then
  redis.call('HSET', KEYS[K_NONCES], member, id)
  redis.call('ZADD', KEYS[K_NONCE_TIMES], now, member)
  local old = redis.call('ZRANGEBYSCORE', KEYS[K_NONCE_TIMES], '-inf', '(' .. string.format('%d', now - dedupe), 'LIMIT', 0, 500)
  if #old > 0 then remove_members(KEYS[K_NONCE_TIMES], KEYS[K_NONCES], old) end
end
touch_room(mode, value)
return {0, id}
`,

  /**
   * ARGV: since ('' = none), limit
   * → {0, entries after since} when the stream holds since | {1, newest limit entries, newest first}
   */
  flareHistory: `
local since, limit = ARGV[1], ARGV[2]
if since ~= '' then
  local at = redis.call('XRANGE', KEYS[K_MESSAGES], since, since)
  if #at > 0 then return {0, redis.call('XRANGE', KEYS[K_MESSAGES], '(' .. since, '+')} end
end
return {1, redis.call('XREVRANGE', KEYS[K_MESSAGES], '+', '-', 'COUNT', limit)}
`,

  /** ARGV: room, maxlen, data, origin → the event's id */
  flarePublish: `
local room, maxlen, data, origin = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local mode, value = room_expiry(room)
if not mode then return gone() end
local id = redis.call('XADD', KEYS[K_EVENTS], 'MAXLEN', '~', maxlen, '*', 'd', data, 'o', origin)
touch_room(mode, value)
return id
`,

  /** ARGV: room, connectionId, clientId, connJson → 1 when the clientId was newly announced */
  flarePresenceAdd: `
local room, conn, client, json = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local mode, value = room_expiry(room)
if not mode then return gone() end
redis.call('ZADD', KEYS[K_PRESENCE], now_ms(), conn)
redis.call('HSET', KEYS[K_CONNS], conn, json)
local added = redis.call('SADD', KEYS[K_ANNOUNCED], client)
touch_room(mode, value)
return added
`,

  /** ARGV: connectionId */
  flarePresenceRemove: `
redis.call('ZREM', KEYS[K_PRESENCE], ARGV[1])
redis.call('HDEL', KEYS[K_CONNS], ARGV[1])
return 1
`,

  /**
   * ARGV: clientId, ttlMs → 1 when the clientId has no live connection and was announced (it is
   * un-announced atomically, so exactly one caller gets 1 per announcement), else 0.
   */
  flareSettleLeave: `
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
`,

  /** ARGV: ttlMs → the connection JSONs of live connections */
  flarePresenceList: `
local ttl = tonumber(ARGV[1])
local live = redis.call('ZRANGEBYSCORE', KEYS[K_PRESENCE], string.format('%d', now_ms() - ttl), '+inf')
if #live == 0 then return {} end
return hmget_all(KEYS[K_CONNS], live)
`,

  /**
   * ARGV: room, ttlMs, then connectionId, connJson pairs → the connection JSONs pruned (older than
   * the TTL). Only the caller whose script removed an entry gets it back.
   */
  flareHeartbeat: `
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
`,
} as const;

export type ScriptName = keyof typeof SCRIPTS;

type ScriptFn = (...args: (string | number)[]) => Promise<unknown>;

/** Registers the scripts on a client (idempotent). */
export function defineScripts(client: Redis): void {
  for (const [name, body] of Object.entries(SCRIPTS)) {
    if (typeof (client as unknown as Record<string, unknown>)[name] === "function") continue;
    client.defineCommand(name, { numberOfKeys: ROOM_KEY_ORDER.length, lua: PRELUDE + body });
  }
}

/** Runs a script over all of the room's keys. Rejects with whatever ioredis rejects with. */
export function runScript(client: Redis, name: ScriptName, room: string, args: (string | number)[]): Promise<unknown> {
  defineScripts(client);
  const fn = (client as unknown as Record<ScriptName, ScriptFn>)[name];
  return fn.call(client, ...allRoomKeys(room), ...args);
}
