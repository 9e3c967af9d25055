import type { RedisClient } from "../redis/client";
import { z } from "zod";
import { FlareError } from "../protocol";
import { Commands } from "../redis/commands";
import { allRoomKeys, roomKeys } from "../redis/keys";
import { pipelineBySlot } from "../redis/pipeline";
import { defineScripts } from "../redis/scripts";
import { hashToken, newRoomId, newSeatToken } from "./tokens";
import type { RoomMeta, RoomStore, SeatClaim } from "./types";

const metaSchema = z.object({ capacity: z.coerce.number().int(), expiresAt: z.coerce.number().int() });

/** Rooms next to their streams in Redis: `:meta` (hash) and `:seats` (set of token hashes), one expiry. */
export class RedisRoomStore implements RoomStore {
  private readonly cmd: Commands;

  constructor(client: RedisClient, instanceId: string) {
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
    return (await this.read(roomId))?.room ?? null;
  }

  async existing(roomIds: readonly string[]): Promise<Set<string>> {
    if (roomIds.length === 0) return new Set();
    const res = await this.cmd.run((r) =>
      pipelineBySlot(
        r,
        roomIds,
        (id) => roomKeys(id).meta,
        (pipe, id) => pipe.exists(roomKeys(id).meta),
      ),
    );
    return new Set(roomIds.filter((_, i) => res[i]?.[1] === 1));
  }

  async getSeated(roomId: string, token: string): Promise<{ room: RoomMeta; seated: boolean } | null> {
    return this.read(roomId, hashToken(token));
  }

  /** One round trip: the meta, the seat count and, with `seatHash`, whether that seat is taken. */
  private async read(roomId: string, seatHash = ""): Promise<{ room: RoomMeta; seated: boolean } | null> {
    const keys = roomKeys(roomId);
    const reply = await this.cmd.run((r) => r.flareReadRoom(keys.meta, keys.seats, seatHash));
    if (reply.length === 0) return null;
    const [capacity, expiresAt, members, seated] = reply;
    const parsed = metaSchema.safeParse({ capacity: capacity ?? undefined, expiresAt: expiresAt ?? undefined });
    if (!parsed.success || parsed.data.expiresAt <= Date.now()) return null;
    return { room: { roomId, ...parsed.data, members }, seated: seated === 1 };
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
