import { queryObject, readBody, validate } from "@/lib/http/request";
import { newClientId } from "@/lib/identity/client-identity";
import { route } from "@/lib/http/route";
import { seatedRoom } from "@/lib/http/seated-room";
import { instance } from "@/lib/instance";
import { clientAddress } from "@/lib/server/client-address";
import { roomParams } from "../schema";
import { listQuery, postBody } from "./schema";
import { metrics } from "@/lib/observability/metrics";

export const dynamic = "force-dynamic";

/** A room's messages, oldest first (seat holders; anyone for the lobby). */
export const GET = route({ params: roomParams }, async (req, { params: { id } }) => {
  const room = await seatedRoom(req, id);
  const messages = await room.history(validate(listQuery, queryObject(req)));
  return Response.json({ messages }, { headers: { "Cache-Control": "no-store" } });
});

/**
 * Posts a message, delivered live to every connection in the room on every instance. The clientId
 * follows the join rule (403 `client_taken` without its token); a post naming none gets a fresh one.
 * The 201 carries `clientToken` when this post bound the clientId.
 */
export const POST = route({ params: roomParams }, async (req, { params: { id } }) => {
  const room = await seatedRoom(req, id);
  await instance().limits.take("posts", clientAddress(req.headers), id);
  const { clientToken, clientId = newClientId(), ...post } = await readBody(req, postBody);
  const claim = await instance().identity.claim(clientId, clientToken);
  const message = await room.emit("message", { ...post, clientId });
  metrics().messagesIn.inc({ via: "http" });
  return Response.json({ message, ...(claim.bound ? { clientToken: claim.token } : {}) }, { status: 201 });
});
