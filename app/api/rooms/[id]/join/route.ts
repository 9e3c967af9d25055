import { isHttps, seatToken } from "@/lib/http/request";
import { route } from "@/lib/http/route";
import { instance } from "@/lib/instance";
import { seatCookie } from "@/lib/rooms/seat-cookie";
import { roomParams } from "../schema";

export const dynamic = "force-dynamic";

/** Claims a seat (idempotent for a browser that already holds one): 404 unknown room, 409 full. */
export const POST = route({ params: roomParams }, async (req, { params: { id } }) => {
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
});
