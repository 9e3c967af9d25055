import { route } from "@/lib/http/route";
import { instance } from "@/lib/instance";
import { seatToken } from "@/lib/rooms/seat-cookie";
import { roomParams } from "./schema";

export const dynamic = "force-dynamic";

/** Public facts about a private room: expiry, seats, who is online. */
export const GET = route({ params: roomParams }, async (_req, { params: { id } }) => {
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
});

/** "Destroy now": a seat holder ends the room for everyone, on every instance. */
export const DELETE = route({ params: roomParams }, async (req, { params: { id } }) => {
  await instance().rooms.destroy(id, seatToken(req.cookies, id));
  return new Response(null, { status: 204 });
});
