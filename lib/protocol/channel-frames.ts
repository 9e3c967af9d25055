import { z } from "zod";
import { MAX_ID_CHARS } from "./limits";

/**
 * v1.1 channels: typed events (shared/protocol.md, "Channels: typed events"). The frames a
 * connection uses to follow channels, and the Event every instance stores and sends.
 */

/** A channel name: 1–64 characters of `[A-Za-z0-9_.:-]`. */
export const CHANNEL_NAME_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;
/** An event name of an application schema: dot-separated path segments, e.g. `notification.alert`. */
export const EVENT_NAME_PATTERN = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
export const MAX_EVENT_NAME_CHARS = 128;
/** The channel of `realtime.emit(...)` without a channel. */
export const DEFAULT_CHANNEL = "default";
/** How many channels one connection may follow at once. */
export const MAX_CHANNELS_PER_CONNECTION = 100;
/** A channel retains at least this many events; `history` and `limit` go up to it. */
export const CHANNEL_RETAINS = 1000;
/** The most JSON an event's `data` may take: an event frame always fits the 64 KiB frame bound. */
export const MAX_EVENT_DATA_BYTES = 32 * 1024;
/** An application channel's events expire this long after its last emit, unless configured. */
export const CHANNEL_EXPIRE_SECS = 24 * 60 * 60;

export const channelNameSchema = z
  .string()
  .regex(CHANNEL_NAME_PATTERN, "channel names are 1–64 characters of A–Z, a–z, 0–9, _, ., : or -");

export const eventNameSchema = z
  .string()
  .max(MAX_EVENT_NAME_CHARS)
  .regex(EVENT_NAME_PATTERN, 'event names look like "namespace.name"');

export const subscribeFrame = z.object({
  type: z.literal("subscribe"),
  channel: channelNameSchema,
  events: z.array(eventNameSchema).min(1).max(100).optional(),
  since: z.string().min(1).max(MAX_ID_CHARS).optional(),
  history: z.number().int().min(0).max(CHANNEL_RETAINS).optional(),
});

export const unsubscribeFrame = z.object({ type: z.literal("unsubscribe"), channel: channelNameSchema });

/** One stored event: `id` is a message-id, strictly increasing within its channel, the same on every instance. */
export const channelEventSchema = z.object({
  id: z.string(),
  channel: z.string(),
  event: z.string(),
  data: z.unknown(),
  ts: z.number(),
});
export type ChannelEvent = z.infer<typeof channelEventSchema>;

export const subscribedFrame = z.object({ type: z.literal("subscribed"), channel: z.string() });

export const eventsFrame = z.object({
  type: z.literal("events"),
  channel: z.string(),
  events: z.array(channelEventSchema),
  reset: z.boolean(),
});

export const eventFrame = channelEventSchema.extend({ type: z.literal("event") });

export const unsubscribedFrame = z.object({
  type: z.literal("unsubscribed"),
  channel: z.string(),
  reason: z.enum(["expired", "destroyed"]).optional(),
});

export type SubscribeFrame = z.infer<typeof subscribeFrame>;
export type UnsubscribeFrame = z.infer<typeof unsubscribeFrame>;
export type EventFrame = z.infer<typeof eventFrame>;
