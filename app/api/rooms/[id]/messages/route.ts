import { queryObject, readBody, validate } from "@/lib/http/request";
import { route } from "@/lib/http/route";
import { seatedChannel } from "@/lib/http/seated-channel";
import { instance } from "@/lib/instance";
import { clientAddress } from "@/lib/server/client-address";
import { roomParams } from "../schema";
import { listQuery, postBody } from "./schema";

export const dynamic = "force-dynamic";

/** A room's messages, oldest first (seat holders; anyone for the lobby). */
export const GET = route({ params: roomParams }, async (req, { params: { id } }) => {
  const channel = await seatedChannel(req, id);
  const messages = await channel.history(validate(listQuery, queryObject(req)));
  return Response.json({ messages }, { headers: { "Cache-Control": "no-store" } });
});

/** Posts a message, delivered live to every connection in the room on every instance. */
export const POST = route({ params: roomParams }, async (req, { params: { id } }) => {
  const channel = await seatedChannel(req, id);
  await instance().limits.take("posts", clientAddress(req.headers), id);
  const message = await channel.emit("message", await readBody(req, postBody));
  return Response.json({ message }, { status: 201 });
});
