import type Redis from "ioredis";
import { z } from "zod";
import { FlareError } from "../protocol";
import { Commands } from "../redis/commands";
import { allRoomKeys, roomKeys } from "../redis/keys";
import { defineScripts } from "../redis/scripts";
import { hashToken, newRoomId, newSeatToken } from "./tokens";
import type { RoomMeta, RoomStore, SeatClaim } from "./types";

const metaSchema = z.object({ capacity: z.coerce.number().int(), expiresAt: z.coerce.number().int() });

/** Rooms next to their streams in Redis: `:meta` (hash) and `:seats` (set of token hashes), one expiry. */
export class RedisRoomStore implements RoomStore {
  private readonly cmd: Commands;

  constructor(client: Redis, instanceId: string) {
    defineScripts(client);
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
      r.flareClaimSeat(keys.meta, keys.seats, token ? hashToken(token) : "", hashToken(fresh)),
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
