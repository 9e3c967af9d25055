import { z } from "zod";
import { eventFrame, eventsFrame, subscribedFrame, unsubscribedFrame } from "./channel-frames";
import { ERROR_CODES } from "./errors";

/** Frames the server sends, and the stored message shape. */

export const messageSchema = z.object({
  id: z.string(),
  room: z.string(),
  clientId: z.string(),
  name: z.string(),
  text: z.string(),
  ts: z.number(),
  system: z.literal(true).optional(),
  event: z.enum(["joined", "left"]).optional(),
  nonce: z.string().optional(),
});
export type Message = z.infer<typeof messageSchema>;

export const userSchema = z.object({ clientId: z.string(), name: z.string() });
export type PresenceUser = z.infer<typeof userSchema>;

export const joinedFrame = z.object({
  type: z.literal("joined"),
  room: z.string(),
  connectionId: z.string(),
  clientId: z.string(),
  /** Proves this clientId on later joins (v1.1 rule 1). */
  clientToken: z.string(),
  expiresAt: z.number().nullable(),
  capacity: z.number().nullable(),
});

export const historyFrame = z.object({
  type: z.literal("history"),
  room: z.string(),
  messages: z.array(messageSchema),
  reset: z.boolean(),
});

export const liveMessageFrame = z.object({ type: z.literal("message"), message: messageSchema });

export const ackFrame = z.object({ type: z.literal("ack"), nonce: z.string(), id: z.string() });

export const typingEventFrame = z.object({
  type: z.literal("typing"),
  room: z.string(),
  clientId: z.string(),
  name: z.string(),
});

export const presenceFrame = z.object({
  type: z.literal("presence"),
  room: z.string(),
  count: z.number(),
  users: z.array(userSchema),
});

export const destroyedFrame = z.object({
  type: z.literal("destroyed"),
  room: z.string(),
  reason: z.enum(["expired", "destroyed"]),
});

export const errorFrame = z.object({
  type: z.literal("error"),
  code: z.enum(ERROR_CODES),
  message: z.string(),
  nonce: z.string().optional(),
  /** The channel a subscribe / unsubscribe error is about. */
  channel: z.string().optional(),
});

export const pongFrame = z.object({ type: z.literal("pong") });

export const serverFrame = z.discriminatedUnion("type", [
  joinedFrame,
  historyFrame,
  liveMessageFrame,
  ackFrame,
  typingEventFrame,
  presenceFrame,
  destroyedFrame,
  errorFrame,
  pongFrame,
  subscribedFrame,
  eventsFrame,
  eventFrame,
  unsubscribedFrame,
]);

export type ServerFrame = z.infer<typeof serverFrame>;
export type ServerFrameOf<T extends ServerFrame["type"]> = Extract<ServerFrame, { type: T }>;
export type DestroyReason = z.infer<typeof destroyedFrame>["reason"];
