import { z } from "zod";
import { CLIENT_ID_PATTERN, MAX_ID_CHARS } from "./limits";
import { cleanName, isValidName } from "./text";
import { subscribeFrame, unsubscribeFrame } from "./channel-frames";

/** Frames a client sends. The schemas are shared by the server (validation) and the client (types). */

export const clientIdSchema = z
  .string()
  .regex(CLIENT_ID_PATTERN, "clientId must be 1–64 characters of A–Z, a–z, 0–9, _ or -");

export const nameSchema = z
  .string()
  .max(4096)
  .transform(cleanName)
  .refine(isValidName, "name must be 1–40 characters after trimming");

export const nonceSchema = z.string().min(1).max(MAX_ID_CHARS);

/** An opaque clientToken as the server hands it out (`joined.clientToken`); validated for shape only. */
export const clientTokenSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{16,128}$/, "clientToken must be the token from an earlier joined frame");

export const roomIdSchema = z.string().min(1).max(128);

export const joinFrame = z.object({
  type: z.literal("join"),
  room: roomIdSchema,
  clientId: clientIdSchema,
  name: nameSchema,
  since: z.string().min(1).max(MAX_ID_CHARS).optional(),
  clientToken: clientTokenSchema.optional(),
});

/** `text` is checked for empty / too_long before this schema runs (those codes take precedence). */
export const messageFrame = z.object({
  type: z.literal("message"),
  text: z.string(),
  nonce: nonceSchema.optional(),
});

export const typingFrame = z.object({ type: z.literal("typing") });
export const pingFrame = z.object({ type: z.literal("ping") });

export const clientFrame = z.discriminatedUnion("type", [
  joinFrame,
  messageFrame,
  typingFrame,
  pingFrame,
  subscribeFrame,
  unsubscribeFrame,
]);

export type JoinFrame = z.infer<typeof joinFrame>;
export type MessageFrame = z.infer<typeof messageFrame>;
export type ClientFrame = z.infer<typeof clientFrame>;
/** What a client may put on the wire (before server-side normalisation). */
export type ClientFrameInput = z.input<typeof clientFrame>;
