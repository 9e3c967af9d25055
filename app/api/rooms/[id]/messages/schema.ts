import { z } from "zod";
import { clientTokenSchema, isMessageId, ROOM_RETAINS } from "@/lib/protocol";
import { emitSchemas } from "@/lib/chat";

const messageId = z.string().refine(isMessageId, "must be a message id like 1732300000000-0");

/** GET ?limit&start&end — `limit` 1–1000 (default 100), inclusive ids. */
export const listQuery = z.object({
  limit: z
    .string()
    .regex(/^\d+$/, "limit must be a whole number")
    .transform(Number)
    .pipe(z.number().int().min(1).max(ROOM_RETAINS))
    .optional(),
  start: messageId.optional(),
  end: messageId.optional(),
});

/** POST body: the WebSocket rules for name and text, and the clientToken that proves `clientId`. */
export const postBody = emitSchemas.message.extend({ clientToken: clientTokenSchema.optional() });
