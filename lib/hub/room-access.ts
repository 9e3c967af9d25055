export type RoomInfo = { expiresAt: number | null; capacity: number | null };

/**
 * Decides whether a connection may join a room. The lobby is open to everyone; private rooms
 * (see lib/rooms) check the seat token the upgrade request carried.
 */
export interface RoomAccess {
  /** Rejects with FlareError `room_not_found` or `unauthorized`. */
  authorize(room: string, seatToken: string | undefined): Promise<RoomInfo>;
}
