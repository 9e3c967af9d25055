/** Private rooms: created with a TTL and a capacity; a seat is a browser holding a seat token. */

export type RoomMeta = {
  roomId: string;
  /** Epoch ms. */
  expiresAt: number;
  capacity: number;
  /** Seats taken. */
  members: number;
};

export type SeatClaim = {
  room: RoomMeta;
  /** The seat token to put in the cookie: the one presented, or a new one. */
  token: string;
  /** False when the token presented already held a seat (the claim is idempotent). */
  claimed: boolean;
};

/**
 * Where rooms and seats live: in this process, or in Redis next to the room's streams (all of a
 * room's keys share its expiry). Errors: FlareError `room_not_found`, `room_full`, `unavailable`.
 */
export interface RoomStore {
  create(opts: { ttlSeconds: number; capacity: number }): Promise<{ room: RoomMeta; token: string }>;
  get(roomId: string): Promise<RoomMeta | null>;
  /** Atomic: N concurrent claims on k free seats seat exactly k, across instances. */
  claimSeat(roomId: string, token: string | undefined): Promise<SeatClaim>;
  /** The room and whether `token` holds one of its seats, in one read; null for an unknown room. */
  getSeated(roomId: string, token: string): Promise<{ room: RoomMeta; seated: boolean } | null>;
  /** Which of `roomIds` still exist, in one read. */
  existing(roomIds: readonly string[]): Promise<Set<string>>;
  /** Deletes the room and every key it has. False when it did not exist. */
  destroy(roomId: string): Promise<boolean>;
}
