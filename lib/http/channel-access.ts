import type { NextRequest } from "next/server";
import type { AccessContext } from "../channels/access";
import { seatToken } from "../rooms/seat-cookie";

/** Who an HTTP request is to the channel rules: itself (for the middleware) and its seat cookies. */
export function channelAccess(req: NextRequest): AccessContext {
  return { request: () => req, seat: (room) => seatToken(req.cookies, room) };
}
