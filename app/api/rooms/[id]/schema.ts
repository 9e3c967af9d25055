import { z } from "zod";

/** Route params of /api/rooms/:id/… */
export const roomParams = z.object({ id: z.string().min(1).max(128) });
