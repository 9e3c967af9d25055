import type { NextRequest, NextResponse } from "next/server";
import { instance } from "../instance";
import { capSeatCookies, otherSeatRooms, setSeatCookie } from "../rooms/seat-cookie";
import { isHttps } from "./request";

/**
 * Gives the browser its seat cookie for `room`, and tidies the ones it already holds: cookies of
 * rooms that no longer exist are expired (one read for all of them), then the oldest past
 * MAX_SEAT_COOKIES. Used by room creation and seat claims, the two answers that add a cookie.
 */
export async function giveSeatCookie(
  req: NextRequest,
  res: NextResponse,
  room: { roomId: string; expiresAt: number },
  token: string,
): Promise<void> {
  const secure = isHttps(req);
  const others = otherSeatRooms(req.cookies, room.roomId);
  const gone = others.length > 0 ? await instance().rooms.goneRooms(others) : [];
  capSeatCookies(req.cookies, res.cookies, room.roomId, secure, { gone });
  setSeatCookie(res.cookies, room, token, secure);
}
