import { env } from "@/lib/env";
import { bearerMatches } from "@/lib/http/bearer";
import { readBody } from "@/lib/http/request";
import { jsonError } from "@/lib/http/respond";
import { route } from "@/lib/http/route";
import { instance } from "@/lib/instance";
import { FlareError, MAX_EVENT_DATA_BYTES } from "@/lib/protocol";
import { emitBody } from "./schema";

export const dynamic = "force-dynamic";

/** Room in the body for the channel and the event's name around data of the largest size. */
const ENVELOPE_BYTES = 4 * 1024;

/**
 * Emits one event from another server (`curl -H "Authorization: Bearer $REALTIME_EMIT_TOKEN"`):
 * 201 with the stored Event. Without REALTIME_EMIT_TOKEN the route does not exist (404). As every
 * POST, the body must be `Content-Type: application/json` (lib/http/state-change.ts); the
 * cross-site check passes servers, which send no Sec-Fetch-Site.
 */
export const POST = route(async (req) => {
  const token = env().REALTIME_EMIT_TOKEN;
  if (!token) return new Response(null, { status: 404 });
  if (!bearerMatches(req.headers.get("authorization"), token))
    return jsonError(401, "unauthorized", "Send Authorization: Bearer <REALTIME_EMIT_TOKEN>.", {
      "WWW-Authenticate": "Bearer",
    });
  const { channel, event, data } = await readBody(req, emitBody, MAX_EVENT_DATA_BYTES + ENVELOPE_BYTES);
  const [stored] = await instance().channels.emit([channel], event, data);
  if (!stored) throw new FlareError("unavailable");
  return Response.json({ event: stored }, { status: 201 });
});
