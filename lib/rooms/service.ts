import type { Bus } from "../bus/types";
import { FlareError, LOBBY } from "../protocol";
import type { RoomAccess, RoomInfo } from "../hub/room-access";
import type { RoomMeta, RoomStore, SeatClaim } from "./types";
import { ROOM_ID_PATTERN } from "./tokens";
import { log } from "../observability/log";

export type RoomView = RoomMeta & { ttl: number; online: number };

/**
 * What the HTTP routes and the hub ask of rooms: create, seat, read, destroy, and who may join or
 * read a room. The lobby is open to everyone and cannot be destroyed.
 */
export class RoomService implements RoomAccess {
  constructor(
    private readonly store: RoomStore,
    private readonly bus: Bus,
    /** Ends the room's sockets on this instance (other instances hear the bus). */
    private readonly endLocally: (roomId: string, reason: "destroyed" | "expired") => void,
  ) {}

  async create(opts: { ttlSeconds: number; capacity: number }) {
    const created = await this.store.create(opts);
    log().info({ room: created.room.roomId, ttlSeconds: opts.ttlSeconds, capacity: opts.capacity }, "room created");
    return created;
  }

  async claimSeat(roomId: string, token: string | undefined): Promise<SeatClaim> {
    if (!ROOM_ID_PATTERN.test(roomId)) throw new FlareError("room_not_found");
    return this.store.claimSeat(roomId, token);
  }

  /** Of `roomIds`, the ones that no longer exist (or never could: not a room id). */
  async goneRooms(roomIds: readonly string[]): Promise<string[]> {
    const valid = roomIds.filter((id) => ROOM_ID_PATTERN.test(id));
    const live = await this.store.existing(valid);
    return roomIds.filter((id) => !live.has(id));
  }

  /** 404 for an unknown room; for a private room, 401 without a valid seat. */
  async requireSeat(roomId: string, token: string | undefined): Promise<RoomMeta | null> {
    if (roomId === LOBBY) return null;
    if (!ROOM_ID_PATTERN.test(roomId)) throw new FlareError("room_not_found");
    if (!token) {
      await this.get(roomId); // an unknown room answers 404 before a missing seat answers 401
      throw new FlareError("unauthorized");
    }
    const found = await this.store.getSeated(roomId, token);
    if (!found) throw new FlareError("room_not_found");
    if (!found.seated) throw new FlareError("unauthorized");
    return found.room;
  }

  /** The room's metadata; `room_not_found` when it does not exist (or expired). */
  async get(roomId: string): Promise<RoomMeta> {
    const room = ROOM_ID_PATTERN.test(roomId) ? await this.store.get(roomId) : null;
    if (!room) throw new FlareError("room_not_found");
    return room;
  }

  async view(roomId: string): Promise<RoomView> {
    const room = await this.get(roomId);
    const { count: online } = await this.bus.presence.list(roomId);
    return { ...room, ttl: Math.max(0, Math.floor((room.expiresAt - Date.now()) / 1000)), online };
  }

  async destroy(roomId: string, token: string | undefined): Promise<void> {
    if (roomId === LOBBY) throw new FlareError("forbidden", "The lobby cannot be destroyed.");
    await this.requireSeat(roomId, token);
    await this.store.destroy(roomId);
    log().info({ room: roomId }, "room destroyed");
    await this.bus.publish({ kind: "destroyed", room: roomId, reason: "destroyed" }).catch(() => {});
    this.endLocally(roomId, "destroyed");
  }

  /** RoomAccess for the WebSocket join. */
  async authorize(roomId: string, seatToken: string | undefined): Promise<RoomInfo> {
    if (roomId === LOBBY) return { expiresAt: null, capacity: null };
    const room = await this.requireSeat(roomId, seatToken);
    return { expiresAt: room!.expiresAt, capacity: room!.capacity };
  }
}
