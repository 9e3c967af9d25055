import { queryObject, validate } from "@/lib/http/request";
import { route } from "@/lib/http/route";
import { instance } from "@/lib/instance";
import { holdUntilEnd } from "@/lib/limits/hold-until-end";
import { clientAddress } from "@/lib/server/client-address";
import { seatedRoom } from "@/lib/http/seated-room";
import { sseResponse } from "@/lib/http/sse";
import { roomParams } from "../schema";
import { eventsQuery } from "./schema";

export const dynamic = "force-dynamic";

/**
 * Follows a room over Server-Sent Events (`curl -N`): its messages (with `id:` lines), presence
 * and the end of the room. Resumes after `Last-Event-ID` or `?since=`; without either it starts
 * with the newest 50 messages. `event: reset` means the client should drop what it had.
 */
export const GET = route({ params: roomParams }, async (req, { params: { id } }) => {
  const room = await seatedRoom(req, id);
  const lastEventId = req.headers.get("last-event-id");
  const { since } = validate(eventsQuery, { ...queryObject(req), ...(lastEventId ? { since: lastEventId } : {}) });
  const release = instance().limits.hold("sseStreams", clientAddress(req.headers));
  try {
    const events = await room.subscribe({ history: { since }, signal: req.signal });
    return sseResponse(holdUntilEnd(events, release, req.signal));
  } catch (e) {
    release();
    throw e;
  }
});
