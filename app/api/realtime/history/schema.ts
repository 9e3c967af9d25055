import { z } from "zod";
import { CHANNEL_RETAINS, channelNameSchema, isMessageId } from "@/lib/protocol";

const bound = z
  .string()
  .refine((s) => /^\d{1,15}$/.test(s) || isMessageId(s), "start and end are epoch milliseconds or event ids")
  .transform((s) => (/^\d+$/.test(s) ? Number(s) : s));

/** GET ?channel=C&limit&start&end — `limit` 1–1000 (default 100), inclusive bounds. */
export const historyQuery = z.object({
  channel: channelNameSchema,
  limit: z
    .string()
    .regex(/^\d{1,4}$/, "limit must be a whole number")
    .transform(Number)
    .pipe(z.number().int().min(1).max(CHANNEL_RETAINS))
    .optional(),
  start: bound.optional(),
  end: bound.optional(),
});
