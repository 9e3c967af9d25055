import { channelAccess } from "@/lib/http/channel-access";
import { ChannelSseFrames } from "@/lib/http/channel-sse";
import { streamStart } from "@/lib/http/channel-start";
import { queryObject, validate } from "@/lib/http/request";
import { route } from "@/lib/http/route";
import { sseFramesResponse } from "@/lib/http/sse";
import { instance } from "@/lib/instance";
import { holdUntilEnd } from "@/lib/limits/hold-until-end";
import { clientAddress } from "@/lib/server/client-address";
import { followQuery } from "./schema";

export const dynamic = "force-dynamic";

/**
 * Follows channels over Server-Sent Events (`curl -N`, EventSource): each Event as
 * `event: <name>` with the Event JSON, under the access rules of a WebSocket `subscribe`. Every
 * `id:` is a cursor over all the channels (`C1@<id>,C2@<id>`), so a reconnect with
 * `Last-Event-ID` (or `?since=`) resumes each channel without a gap (see lib/http/channel-sse.ts).
 */
export const GET = route(async (req) => {
  const lastEventId = req.headers.get("last-event-id");
  const query = validate(followQuery, { ...queryObject(req), ...(lastEventId ? { since: lastEventId } : {}) });
  const channels = instance().channels;
  const rooms = await channels.authorize(query.channels, channelAccess(req));
  const release = instance().limits.hold("sseStreams", clientAddress(req.headers));
  try {
    const start = await streamStart(channels, { ...query, held: query.since ?? query.cursor ?? new Map() });
    const notices = await channels.follow(start.specs, rooms, req.signal);
    return sseFramesResponse(holdUntilEnd(new ChannelSseFrames(notices, start), release, req.signal));
  } catch (e) {
    release();
    throw e;
  }
});
