import type Redis from "ioredis";
import { z } from "zod";
import { Commands } from "../bus/redis/commands";
import { FlareError } from "../protocol";
import { allRoomKeys, roomKeys } from "../redis/keys";
import { hashToken, newRoomId, newSeatToken } from "./tokens";
import type { RoomMeta, RoomStore, SeatClaim } from "./types";

/**
 * Claims a seat atomically. KEYS: meta, seats. ARGV: hash of the presented token ('' for none),
 * hash of a fresh token. Replies: 0 = no such room, -1 = full, 1 = already seated, 2 = seated now;
 * then the capacity, the seats taken and the room's expiry (epoch ms).
 */
const CLAIM_SEAT = `
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
`;

const metaSchema = z.object({ capacity: z.coerce.number().int(), expiresAt: z.coerce.number().int() });

type WithClaim = Redis & {
  flareClaimSeat(
    meta: string,
    seats: string,
    presented: string,
    fresh: string,
  ): Promise<[number, number, number, number]>;
};

/** Rooms next to their streams in Redis: `:meta` (hash) and `:seats` (set of token hashes), one expiry. */
export class RedisRoomStore implements RoomStore {
  private readonly cmd: Commands;

  constructor(client: Redis, instanceId: string) {
    if (!("flareClaimSeat" in client)) client.defineCommand("flareClaimSeat", { numberOfKeys: 2, lua: CLAIM_SEAT });
    this.cmd = new Commands(client, instanceId);
  }

  async create({ ttlSeconds, capacity }: { ttlSeconds: number; capacity: number }) {
    const roomId = newRoomId();
    const token = newSeatToken();
    const keys = roomKeys(roomId);
    const expiresAt = Date.now() + ttlSeconds * 1000;
    await this.cmd.run((r) =>
      r
        .multi()
        .hset(keys.meta, { capacity, expiresAt, createdAt: Date.now() })
        .pexpireat(keys.meta, expiresAt)
        .sadd(keys.seats, hashToken(token))
        .pexpireat(keys.seats, expiresAt)
        .exec(),
    );
    return { room: { roomId, expiresAt, capacity, members: 1 }, token };
  }

  async get(roomId: string): Promise<RoomMeta | null> {
    const keys = roomKeys(roomId);
    const [meta, members] = await this.cmd.run(async (r) => {
      const res = await r.multi().hgetall(keys.meta).scard(keys.seats).exec();
      return [res?.[0]?.[1], res?.[1]?.[1]] as const;
    });
    const parsed = metaSchema.safeParse(meta);
    if (!parsed.success || parsed.data.expiresAt <= Date.now()) return null;
    return { roomId, ...parsed.data, members: Number(members) || 0 };
  }

  async claimSeat(roomId: string, token: string | undefined): Promise<SeatClaim> {
    const keys = roomKeys(roomId);
    const fresh = newSeatToken();
    const [status, capacity, members, expiresAt] = await this.cmd.run((r) =>
      (r as WithClaim).flareClaimSeat(keys.meta, keys.seats, token ? hashToken(token) : "", hashToken(fresh)),
    );
    if (status === 0) throw new FlareError("room_not_found");
    if (status === -1) throw new FlareError("room_full");
    const room = { roomId, capacity, members, expiresAt };
    return status === 1 ? { room, token: token!, claimed: false } : { room, token: fresh, claimed: true };
  }

  async hasSeat(roomId: string, token: string): Promise<boolean> {
    const n = await this.cmd.run((r) => r.sismember(roomKeys(roomId).seats, hashToken(token)));
    return n === 1;
  }

  async destroy(roomId: string): Promise<boolean> {
    const keys = roomKeys(roomId);
    const res = await this.cmd.run((r) =>
      r
        .multi()
        .exists(keys.meta)
        .del(...allRoomKeys(roomId))
        .exec(),
    );
    return res?.[0]?.[1] === 1;
  }
}
