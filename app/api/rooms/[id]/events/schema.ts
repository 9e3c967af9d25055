import { z } from "zod";
import { isMessageId } from "@/lib/protocol";

/** GET ?since=ID (the `Last-Event-ID` header wins when both are sent). */
export const eventsQuery = z.object({
  since: z.string().refine(isMessageId, "since must be a message id like 1732300000000-0").optional(),
});
