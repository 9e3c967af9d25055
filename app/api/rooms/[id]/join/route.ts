import { isHttps, seatToken, validate } from "@/lib/http/request";
import { errorResponse } from "@/lib/http/respond";
import { instance } from "@/lib/instance";
import { seatCookie } from "@/lib/rooms/seat-cookie";
import { roomParams, type RoomRouteContext } from "../schema";

export const dynamic = "force-dynamic";

/** Claims a seat (idempotent for a browser that already holds one): 404 unknown room, 409 full. */
export async function POST(req: Request, ctx: RoomRouteContext): Promise<Response> {
  try {
    const { id } = validate(roomParams, await ctx.params);
    const { room, token } = await instance().rooms.claimSeat(id, seatToken(req, id));
    return Response.json(
      { roomId: room.roomId, expiresAt: room.expiresAt, capacity: room.capacity, members: room.members },
      {
        headers: {
          "Set-Cookie": seatCookie(room.roomId, token, room.expiresAt, isHttps(req)),
          "Cache-Control": "no-store",
        },
      },
    );
  } catch (e) {
    return errorResponse(e);
  }
}
