import { z } from "zod";
import { ROOM_CAPACITY, ROOM_TTL } from "@/lib/protocol";

/** POST /api/rooms. Out-of-range values are refused, never clamped. */
export const createRoomBody = z.object({
  ttlSeconds: z.number().int().min(ROOM_TTL.min).max(ROOM_TTL.max).default(ROOM_TTL.default),
  capacity: z.number().int().min(ROOM_CAPACITY.min).max(ROOM_CAPACITY.max).default(ROOM_CAPACITY.default),
});
