import { NextResponse, type NextRequest } from "next/server";
import { isFlareError } from "@/lib/protocol";
import { deploymentProblem } from "@/lib/env";
import { isHttps } from "@/lib/http/request";
import { instance } from "@/lib/instance";
import { seatToken, setSeatCookie } from "@/lib/rooms/seat-cookie";

/**
 * `/room/:id` claims a seat for this browser before the page renders: the same idempotent claim
 * as `POST /api/rooms/:id/join` (a browser that holds a seat, such as the creator, keeps it), so
 * the page's WebSocket join carries a valid seat cookie. A full room or an unknown/expired one
 * sends the browser back to the lobby with `?error=room_full` / `?error=room_not_found`.
 *
 * Proxy runs on the Node.js runtime in Next 16 (not configurable), in the same process as the
 * route handlers, so it shares `instance()` (memory store or Redis) with them.
 */
export async function proxy(req: NextRequest): Promise<NextResponse> {
  // Nothing can be shared between instances (see deploymentProblem): the page renders, and the
  // WebSocket upgrade answers 503 with the reason.
  if (deploymentProblem()) return NextResponse.next();
  // A prefetch is not a visit: it must not take a seat.
  if (req.headers.get("next-router-prefetch") || req.headers.get("purpose") === "prefetch") return NextResponse.next();

  try {
    const id = decodeURIComponent(req.nextUrl.pathname.slice("/room/".length));
    const { room, token } = await instance().rooms.claimSeat(id, seatToken(req.cookies, id));
    const res = NextResponse.next();
    setSeatCookie(res.cookies, room, token, isHttps(req));
    res.headers.set("Cache-Control", "private, no-store");
    return res;
  } catch (e) {
    // A malformed percent-encoding cannot name a room either.
    const code =
      e instanceof URIError
        ? "room_not_found"
        : isFlareError(e) && (e.code === "room_full" || e.code === "room_not_found")
          ? e.code
          : null;
    if (!code) {
      // Redis down or a bug: let the page render; its socket reports the problem and retries.
      console.error("[proxy] seat claim failed:", e);
      return NextResponse.next();
    }
    const to = new URL("/", req.url);
    to.search = "";
    to.searchParams.set("error", code);
    return NextResponse.redirect(to, 303);
  }
}

export const config = {
  matcher: "/room/:id",
};
