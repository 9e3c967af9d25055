import type { Result } from "ioredis";
import type { ScriptDefinition } from "./prelude";

/** Seats of a private room: claimed atomically against its capacity, expiring with the room. */

/** 0 = no such room, -1 = full, 1 = already seated, 2 = seated now. */
export type SeatStatus = -1 | 0 | 1 | 2;

export type ClaimSeatReply = [status: SeatStatus, capacity: number, members: number, expiresAt: number];

/** `[]` for no room; else the meta's capacity and expiresAt fields as stored, seats taken, 1 if seated. */
export type ReadRoomReply = [] | [capacity: string | null, expiresAt: string | null, members: number, seated: 0 | 1];

declare module "ioredis" {
  interface RedisCommander<Context> {
    flareClaimSeat(meta: string, seats: string, presented: string, fresh: string): Result<ClaimSeatReply, Context>;
    flareReadRoom(meta: string, seats: string, seatHash: string): Result<ReadRoomReply, Context>;
  }
}

export const seatScripts = {
  /**
   * Only the room's meta and seats keys, not the prelude's full key list. ARGV: hash of the
   * presented token ('' for none), hash of a fresh token → status, then the capacity, the seats
   * taken and the room's expiry (epoch ms).
   */
  flareClaimSeat: {
    numberOfKeys: 2,
    lua: `
local exp = redis.call('PEXPIRETIME', KEYS[1])
if exp < 0 then return {0, 0, 0, 0} end
local capacity = tonumber(redis.call('HGET', KEYS[1], 'capacity'))
if ARGV[1] ~= '' and redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 1 then
  return {1, capacity, redis.call('SCARD', KEYS[2]), exp}
end
local taken = redis.call('SCARD', KEYS[2])
if taken >= capacity then return {-1, capacity, taken, exp} end
redis.call('SADD', KEYS[2], ARGV[2])
redis.call('PEXPIREAT', KEYS[2], exp)
return {2, capacity, taken + 1, exp}
`,
  } satisfies ScriptDefinition,

  /**
   * Reads only. ARGV: the hash of a seat token ('' for none). One script rather than a pipeline of
   * HMGET, SCARD and SISMEMBER: an ioredis pipeline object copies every defined command onto
   * itself, which cost more CPU and garbage per WebSocket join than the three reads.
   */
  flareReadRoom: {
    numberOfKeys: 2,
    lua: `
local meta = redis.call('HMGET', KEYS[1], 'capacity', 'expiresAt')
if not meta[1] and not meta[2] then return {} end
local seated = 0
if ARGV[1] ~= '' then seated = redis.call('SISMEMBER', KEYS[2], ARGV[1]) end
return {meta[1], meta[2], redis.call('SCARD', KEYS[2]), seated}
`,
  } satisfies ScriptDefinition,
};
