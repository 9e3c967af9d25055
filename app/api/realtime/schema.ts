import { z } from "zod";
import { channelCursor } from "@/lib/http/channel-cursor";
import { CHANNEL_RETAINS, channelNameSchema, eventNameSchema, MAX_CHANNELS_PER_CONNECTION } from "@/lib/protocol";

/** A comma-separated list; the count rules are the service's (too_many_channels), so only the text is capped. */
const commaList = (item: z.ZodString, maxChars: number) =>
  z
    .string()
    .max(maxChars)
    .transform((s) => [...new Set(s.split(","))])
    .pipe(z.array(item).min(1));

/** GET ?channels=C1,C2&events=E1,E2&history=n&since=CURSOR (`Last-Event-ID` wins over since; `cursor` is its alias). */
export const followQuery = z.object({
  channels: commaList(channelNameSchema, (MAX_CHANNELS_PER_CONNECTION + 1) * 65),
  events: commaList(eventNameSchema, 100 * 129).optional(),
  history: z
    .string()
    .regex(/^\d{1,4}$/, "history must be a whole number")
    .transform(Number)
    .pipe(z.number().int().min(0).max(CHANNEL_RETAINS))
    .default(0),
  since: channelCursor.optional(),
  cursor: channelCursor.optional(),
});
