import { giveSeatCookie } from "@/lib/http/give-seat";
import { route } from "@/lib/http/route";
import { instance } from "@/lib/instance";
import { seatToken } from "@/lib/rooms/seat-cookie";
import { clientAddress } from "@/lib/server/client-address";
import { roomParams } from "../schema";

export const dynamic = "force-dynamic";

/** Claims a seat (idempotent for a browser that already holds one): 404 unknown room, 409 full. */
export const POST = route({ params: roomParams }, async (req, { params: { id } }) => {
  await instance().limits.take("seatClaims", clientAddress(req.headers));
  const { room, token } = await instance().rooms.claimSeat(id, seatToken(req.cookies, id));
  const res = Response.json(
    { roomId: room.roomId, expiresAt: room.expiresAt, capacity: room.capacity, members: room.members },
    { headers: { "Cache-Control": "no-store" } },
  );
  await giveSeatCookie(req, res, room, token);
  return res;
});
