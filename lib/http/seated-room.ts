import type { NextRequest } from "next/server";
import { instance } from "../instance";
import { chat } from "../chat";
import type { ChatRoom } from "../chat/room";
import { seatToken } from "../rooms/seat-cookie";

/**
 * The channel of a room whose seat cookie the request carries (anyone's, for the lobby): 404
 * `room_not_found` or 401 `unauthorized` otherwise. The seat check reads the room and hands it to
 * the channel, so the request reads it once.
 */
export async function seatedRoom(req: NextRequest, roomId: string): Promise<ChatRoom> {
  const room = await instance().rooms.requireSeat(roomId, seatToken(req.cookies, roomId));
  return chat.room(roomId, { room });
}
