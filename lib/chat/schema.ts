import { z } from "zod";
import {
  clientIdSchema,
  destroyedFrame,
  liveMessageFrame,
  MAX_TEXT_CHARS,
  nameSchema,
  nonceSchema,
  presenceFrame,
} from "../protocol";
import { codePoints } from "../protocol/text";

/**
 * The typed event schema of a room, shared by server code and clients: what `emit` accepts and
 * what `subscribe` yields. Outgoing events reuse the wire contract's frame schemas, so a
 * subscriber sees exactly what a WebSocket client would.
 */
export const emitSchemas = {
  message: z.object({
    name: nameSchema,
    text: z
      .string()
      .transform((t) => t.trim())
      .refine((t) => t.length > 0, { message: "text cannot be empty", params: { code: "empty" } })
      .refine((t) => codePoints(t) <= MAX_TEXT_CHARS, {
        message: `text can be at most ${MAX_TEXT_CHARS} characters`,
        params: { code: "too_long" },
      }),
    clientId: clientIdSchema.optional(),
    nonce: nonceSchema.optional(),
  }),
} as const;

export type EmitEvent = keyof typeof emitSchemas;
export type EmitInput<E extends EmitEvent> = z.input<(typeof emitSchemas)[E]>;

/** The room's log restarted (or a resume point is gone): drop what you had; history follows. */
export const resetEvent = z.object({ type: z.literal("reset"), room: z.string() });

export const chatEvent = z.discriminatedUnion("type", [liveMessageFrame, presenceFrame, destroyedFrame, resetEvent]);
export type ChatEvent = z.infer<typeof chatEvent>;

/** clientId of messages emitted by server code that names none. */
export const SERVER_CLIENT_ID = "server";
