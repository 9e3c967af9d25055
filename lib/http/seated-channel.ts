import type { NextRequest } from "next/server";
import { instance } from "../instance";
import { realtime } from "../realtime";
import type { Channel } from "../realtime/channel";
import { seatToken } from "../rooms/seat-cookie";

/**
 * The channel of a room whose seat cookie the request carries (anyone's, for the lobby): 404
 * `room_not_found` or 401 `unauthorized` otherwise. The seat check reads the room and hands it to
 * the channel, so the request reads it once.
 */
export async function seatedChannel(req: NextRequest, roomId: string): Promise<Channel> {
  const room = await instance().rooms.requireSeat(roomId, seatToken(req.cookies, roomId));
  return realtime.channel(roomId, { room });
}
