import { FlareError } from "../protocol";
import { hashToken, newRoomId, newSeatToken } from "./tokens";
import type { RoomMeta, RoomStore, SeatClaim } from "./types";

type Room = { expiresAt: number; capacity: number; seats: Set<string>; timer: NodeJS.Timeout };

/** Rooms in this process. A room is forgotten (with its messages, via onExpire) when it expires. */
export class MemoryRoomStore implements RoomStore {
  private readonly rooms = new Map<string, Room>();

  constructor(private readonly onGone: (roomId: string) => void) {}

  async create({ ttlSeconds, capacity }: { ttlSeconds: number; capacity: number }) {
    const roomId = newRoomId();
    const token = newSeatToken();
    const expiresAt = Date.now() + ttlSeconds * 1000;
    const timer = setTimeout(() => this.forget(roomId), ttlSeconds * 1000);
    timer.unref();
    this.rooms.set(roomId, { expiresAt, capacity, seats: new Set([hashToken(token)]), timer });
    return { room: { roomId, expiresAt, capacity, members: 1 }, token };
  }

  async get(roomId: string): Promise<RoomMeta | null> {
    const room = this.live(roomId);
    return room ? meta(roomId, room) : null;
  }

  async claimSeat(roomId: string, token: string | undefined): Promise<SeatClaim> {
    const room = this.live(roomId);
    if (!room) throw new FlareError("room_not_found");
    if (token && room.seats.has(hashToken(token))) return { room: meta(roomId, room), token, claimed: false };
    if (room.seats.size >= room.capacity) throw new FlareError("room_full");
    const fresh = newSeatToken();
    room.seats.add(hashToken(fresh));
    return { room: meta(roomId, room), token: fresh, claimed: true };
  }

  async existing(roomIds: readonly string[]): Promise<Set<string>> {
    return new Set(roomIds.filter((id) => this.exists(id)));
  }

  /** Whether the room is live, synchronously: the in-memory bus asks before every write. */
  exists(roomId: string): boolean {
    return this.live(roomId) !== undefined;
  }

  async getSeated(roomId: string, token: string): Promise<{ room: RoomMeta; seated: boolean } | null> {
    const room = this.live(roomId);
    return room ? { room: meta(roomId, room), seated: room.seats.has(hashToken(token)) } : null;
  }

  async destroy(roomId: string): Promise<boolean> {
    if (!this.live(roomId)) return false;
    this.forget(roomId);
    return true;
  }

  private live(roomId: string): Room | undefined {
    const room = this.rooms.get(roomId);
    if (room && room.expiresAt <= Date.now()) {
      this.forget(roomId);
      return undefined;
    }
    return room;
  }

  private forget(roomId: string): void {
    const room = this.rooms.get(roomId);
    if (!room) return;
    clearTimeout(room.timer);
    this.rooms.delete(roomId);
    this.onGone(roomId);
  }
}

function meta(roomId: string, room: Room): RoomMeta {
  return { roomId, expiresAt: room.expiresAt, capacity: room.capacity, members: room.seats.size };
}
