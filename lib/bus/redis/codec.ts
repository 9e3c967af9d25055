import { z } from "zod";
import {
  type ChannelEvent,
  isMessageId,
  messageSchema,
  parseStored,
  type Message,
  type PresenceUser,
} from "../../protocol";
import { idTime } from "../stored-message";
import type { MessageDraft, RoomEvent } from "../types";

/**
 * Stream entries <-> Flare values. Everything read back from Redis goes through `parseStored`
 * (zod), never a bare `JSON.parse(x) as T`: a stray or corrupt entry is skipped, not trusted.
 *
 * A message entry is `d` = the message JSON without `id` and `ts`, `o` = the origin instance. The
 * stream id is the message id and `ts` is its millisecond part.
 */

export const storedMessageSchema = messageSchema.omit({ id: true, ts: true });
type StoredMessage = z.infer<typeof storedMessageSchema>;

/**
 * `storedMessageSchema` by hand, for the reader's path: every message a room delivers is decoded on
 * every instance that holds the room, and zod was ~1.5 % of a chat instance's CPU (issue #9).
 * Unknown keys are dropped, as zod drops them.
 */
export function plainStoredMessage(o: Record<string, unknown>): StoredMessage | undefined {
  const { room, clientId, name, text, system, event, nonce } = o;
  if (typeof room !== "string" || typeof clientId !== "string" || typeof name !== "string") return undefined;
  if (typeof text !== "string" || (system !== undefined && system !== true)) return undefined;
  if (event !== undefined && event !== "joined" && event !== "left") return undefined;
  if (nonce !== undefined && typeof nonce !== "string") return undefined;
  const stored: StoredMessage = { room, clientId, name, text };
  if (system) stored.system = system;
  if (event) stored.event = event;
  if (nonce !== undefined) stored.nonce = nonce;
  return stored;
}

export type StreamEntry = [id: string, fields: string[]];

/** The stream fields of an entry as a record (`d`, `o`). */
export function entryFields(fields: readonly unknown[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const key = fields[i];
    const value = fields[i + 1];
    if (typeof key === "string" && typeof value === "string") out[key] = value;
  }
  return out;
}

export function encodeDraft(draft: MessageDraft): string {
  const stored: z.infer<typeof storedMessageSchema> = {
    room: draft.room,
    clientId: draft.clientId,
    name: draft.name,
    text: draft.text,
    ...(draft.system ? { system: true as const } : {}),
    ...(draft.event ? { event: draft.event } : {}),
    ...(draft.nonce !== undefined ? { nonce: draft.nonce } : {}),
  };
  return JSON.stringify(stored);
}

/** A message stream entry as a Message of `room`, or undefined when it is not one of ours. */
export function decodeMessage(room: string, id: unknown, fields: unknown): Message | undefined {
  if (typeof id !== "string" || !isMessageId(id) || !Array.isArray(fields)) return undefined;
  const data = entryFields(fields).d;
  if (data === undefined) return undefined;
  const stored = parseStored(storedMessageSchema, data, plainStoredMessage);
  if (!stored) return undefined;
  return { id, ...stored, room, ts: idTime(id) };
}

/** A list of raw stream entries ([id, fields]) as Messages, skipping anything undecodable. */
export function decodeMessages(room: string, entries: unknown): Message[] {
  return decodeEntries(entries, (id, fields) => decodeMessage(room, id, fields));
}

/** Raw stream entries through `decode`, skipping what is not an entry or does not decode. */
function decodeEntries<T>(entries: unknown, decode: (id: unknown, fields: unknown) => T | undefined): T[] {
  if (!Array.isArray(entries)) return [];
  const out: T[] = [];
  for (const entry of entries) {
    if (!Array.isArray(entry)) continue;
    const value = decode(entry[0], entry[1]);
    if (value !== undefined) out.push(value);
  }
  return out;
}

const roomEventSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("typing"), room: z.string(), clientId: z.string(), name: z.string() }),
  z.object({ kind: z.literal("presence"), room: z.string() }),
  z.object({ kind: z.literal("destroyed"), room: z.string(), reason: z.enum(["expired", "destroyed"]) }),
]);

export function encodeEvent(event: RoomEvent): string {
  return JSON.stringify(event);
}

/** An events / control stream entry: the event and the instance that published it. */
export function decodeEvent(fields: unknown): { event: RoomEvent; origin: string } | undefined {
  if (!Array.isArray(fields)) return undefined;
  const f = entryFields(fields);
  if (f.d === undefined) return undefined;
  const event = parseStored(roomEventSchema, f.d);
  return event ? { event, origin: f.o ?? "" } : undefined;
}

const connSchema = z.object({ clientId: z.string(), name: z.string(), instance: z.string() });
export type StoredConnection = z.infer<typeof connSchema>;

export function encodeConnection(c: StoredConnection): string {
  return JSON.stringify(c);
}

/** Connection JSONs (nulls for vanished hash fields allowed) as users, skipping undecodable ones. */
export function decodeConnections(values: unknown): PresenceUser[] {
  if (!Array.isArray(values)) return [];
  const out: PresenceUser[] = [];
  for (const v of values) {
    if (typeof v !== "string") continue;
    const c = parseStored(connSchema, v);
    if (c) out.push({ clientId: c.clientId, name: c.name });
  }
  return out;
}

/** A channel stream entry (`e` = event name, `d` = data JSON) as an Event of `channel`. */
export function decodeChannelEvent(channel: string, id: unknown, fields: unknown): ChannelEvent | undefined {
  if (typeof id !== "string" || !isMessageId(id) || !Array.isArray(fields)) return undefined;
  const { e: event, d } = entryFields(fields);
  if (event === undefined || d === undefined) return undefined;
  const data = parseStored(z.json(), d);
  if (data === undefined) return undefined;
  return { id, channel, event, data, ts: idTime(id) };
}

export function decodeChannelEvents(channel: string, entries: unknown): ChannelEvent[] {
  return decodeEntries(entries, (id, fields) => decodeChannelEvent(channel, id, fields));
}
