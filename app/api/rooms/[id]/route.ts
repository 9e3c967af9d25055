import { seatToken, validate } from "@/lib/http/request";
import { errorResponse } from "@/lib/http/respond";
import { instance } from "@/lib/instance";
import { roomParams, type RoomRouteContext } from "./schema";

export const dynamic = "force-dynamic";

/** Public facts about a private room: expiry, seats, who is online. */
export async function GET(_req: Request, ctx: RoomRouteContext): Promise<Response> {
  try {
    const { id } = validate(roomParams, await ctx.params);
    const room = await instance().rooms.view(id);
    return Response.json(
      {
        roomId: room.roomId,
        expiresAt: room.expiresAt,
        ttl: room.ttl,
        capacity: room.capacity,
        members: room.members,
        online: room.online,
      },
      { headers: { "Cache-Control": "no-store" } },
    );
  } catch (e) {
    return errorResponse(e);
  }
}

/** "Destroy now": a seat holder ends the room for everyone, on every instance. */
export async function DELETE(req: Request, ctx: RoomRouteContext): Promise<Response> {
  try {
    const { id } = validate(roomParams, await ctx.params);
    await instance().rooms.destroy(id, seatToken(req, id));
    return new Response(null, { status: 204 });
  } catch (e) {
    return errorResponse(e);
  }
}
