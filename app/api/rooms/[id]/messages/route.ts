import { messagePosts } from "@/lib/http/limits";
import { clientAddress, queryObject, readBody, seatToken, validate } from "@/lib/http/request";
import { errorResponse } from "@/lib/http/respond";
import { instance } from "@/lib/instance";
import { realtime } from "@/lib/realtime";
import { roomParams, type RoomRouteContext } from "../schema";
import { listQuery, postBody } from "./schema";

export const dynamic = "force-dynamic";

/** A room's messages, oldest first (seat holders; anyone for the lobby). */
export async function GET(req: Request, ctx: RoomRouteContext): Promise<Response> {
  try {
    const { id } = validate(roomParams, await ctx.params);
    await instance().rooms.requireSeat(id, seatToken(req, id));
    const query = validate(listQuery, queryObject(req));
    const messages = await realtime.channel(id).history(query);
    return Response.json({ messages }, { headers: { "Cache-Control": "no-store" } });
  } catch (e) {
    return errorResponse(e);
  }
}

/** Posts a message, delivered live to every connection in the room on every instance. */
export async function POST(req: Request, ctx: RoomRouteContext): Promise<Response> {
  try {
    const { id } = validate(roomParams, await ctx.params);
    await instance().rooms.requireSeat(id, seatToken(req, id));
    messagePosts.take(`${clientAddress(req)} ${id}`);
    const body = await readBody(req, postBody);
    const message = await realtime.channel(id).emit("message", body);
    return Response.json({ message }, { status: 201 });
  } catch (e) {
    return errorResponse(e);
  }
}
