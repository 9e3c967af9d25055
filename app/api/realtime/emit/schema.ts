import { z } from "zod";
import { channelNameSchema, DEFAULT_CHANNEL, eventNameSchema } from "@/lib/protocol";

/** POST body; `data` is checked against the event's own schema by the channel service. */
export const emitBody = z.object({
  channel: channelNameSchema.default(DEFAULT_CHANNEL),
  event: eventNameSchema,
  data: z.unknown(),
});
