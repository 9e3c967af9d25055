import type { NextRequest } from "next/server";
import { ResponseCookies } from "next/dist/server/web/spec-extension/cookies.js";
import { instance } from "../instance";
import { capSeatCookies, otherSeatRooms, setSeatCookie } from "../rooms/seat-cookie";
import { isHttps } from "./request";

/**
 * Gives the browser its seat cookie for `room`, and tidies the ones it already holds: cookies of
 * rooms that no longer exist are expired (one read for all of them), then the oldest past
 * MAX_SEAT_COOKIES. Used by room creation and seat claims, the two answers that add a cookie.
 * Written with Next's own cookie store over the response's headers (the Set-Cookie lines
 * NextResponse.cookies writes, byte for byte): NextResponse copied its headers on every `set`, and
 * with its JSON body cost a seat claim ~0.02 ms more CPU than a Response.
 */
export async function giveSeatCookie(
  req: NextRequest,
  res: Response,
  room: { roomId: string; expiresAt: number },
  token: string,
): Promise<void> {
  const secure = isHttps(req);
  const others = otherSeatRooms(req.cookies, room.roomId);
  const gone = others.length > 0 ? await instance().rooms.goneRooms(others) : [];
  const cookies = new ResponseCookies(res.headers);
  capSeatCookies(req.cookies, cookies, room.roomId, secure, { gone });
  setSeatCookie(cookies, room, token, secure);
}
