import { queryObject, seatToken, validate } from "@/lib/http/request";
import { errorResponse } from "@/lib/http/respond";
import { sseResponse } from "@/lib/http/sse";
import { instance } from "@/lib/instance";
import { realtime } from "@/lib/realtime";
import { roomParams, type RoomRouteContext } from "../schema";
import { eventsQuery } from "./schema";

export const dynamic = "force-dynamic";

/**
 * Follows a room over Server-Sent Events (`curl -N`): its messages (with `id:` lines), presence
 * and the end of the room. Resumes after `Last-Event-ID` or `?since=`; without either it starts
 * with the newest 50 messages. `event: reset` means the client should drop what it had.
 */
export async function GET(req: Request, ctx: RoomRouteContext): Promise<Response> {
  try {
    const { id } = validate(roomParams, await ctx.params);
    await instance().rooms.requireSeat(id, seatToken(req, id));
    const { since } = validate(eventsQuery, {
      ...queryObject(req),
      ...(req.headers.get("last-event-id") ? { since: req.headers.get("last-event-id") } : {}),
    });
    const events = await realtime.channel(id).subscribe({ history: { since }, signal: req.signal });
    return sseResponse(events);
  } catch (e) {
    return errorResponse(e);
  }
}
