import { readBody } from "@/lib/http/request";
import { giveSeatCookie } from "@/lib/http/give-seat";
import { route } from "@/lib/http/route";
import { instance } from "@/lib/instance";
import { clientAddress } from "@/lib/server/client-address";
import { createRoomBody } from "./schema";

export const dynamic = "force-dynamic";

/** Creates a private room; the creator gets the first seat. */
export const POST = route(async (req) => {
  await instance().limits.take("rooms", clientAddress(req.headers));
  const body = await readBody(req, createRoomBody);
  const { room, token } = await instance().rooms.create(body);
  const res = Response.json(
    { roomId: room.roomId, expiresAt: room.expiresAt, capacity: room.capacity },
    { status: 201 },
  );
  await giveSeatCookie(req, res, room, token);
  return res;
});
