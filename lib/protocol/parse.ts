import { z } from "zod";
import { clientFrame, type ClientFrame, type MessageFrame } from "./client-frames";
import { MAX_ID_CHARS } from "./limits";
import { serverFrame, type ServerFrame } from "./server-frames";
import { checkText } from "./text";
import { issueMessage } from "./zod-issue";

/**
 * The only place JSON from the wire is parsed. Every result is validated by a zod schema; callers
 * get either a typed frame or the contract's error code with a message a person can read.
 */

export type ClientParseResult =
  | { ok: true; frame: ClientFrame }
  | { ok: false; code: "bad_frame" | "empty" | "too_long"; message: string; nonce?: string; channel?: string };

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return asObject(value);
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/**
 * The `message` frame as `messageFrame` (the schema) gives it, when it is well-formed: the frame
 * every chat message arrives in is checked by hand, because zod's parse of it was ~5 % of an
 * instance's CPU in the shared bench's chat (issue #9). Anything else goes to the schema, which
 * names the problem. tests/unit/protocol/protocol.test.ts holds the two to the same answers.
 */
function plainMessageFrame(text: string, nonce: unknown): MessageFrame | undefined {
  if (nonce === undefined) return { type: "message", text };
  if (typeof nonce === "string" && nonce.length >= 1 && nonce.length <= MAX_ID_CHARS)
    return { type: "message", text, nonce };
  return undefined;
}

export function parseClientFrame(data: string): ClientParseResult {
  const obj = parseJsonObject(data);
  if (!obj) return { ok: false, code: "bad_frame", message: "Frames must be JSON objects." };

  if (obj.type === "message") {
    const nonce = typeof obj.nonce === "string" ? obj.nonce : undefined;
    if (typeof obj.text === "string") {
      const text = checkText(obj.text);
      if (!text.ok) {
        const message =
          text.code === "empty" ? "Messages cannot be empty." : "Messages can be at most 1000 characters.";
        return { ok: false, code: text.code, message, nonce };
      }
      const frame = plainMessageFrame(text.text, obj.nonce);
      if (frame) return { ok: true, frame };
      obj.text = text.text;
    }
    const parsed = clientFrame.safeParse(obj);
    if (!parsed.success) return { ok: false, code: "bad_frame", message: issueMessage(parsed.error), nonce };
    return { ok: true, frame: parsed.data };
  }

  const parsed = clientFrame.safeParse(obj);
  if (!parsed.success) {
    const message =
      typeof obj.type === "string" && !["join", "typing", "ping", "subscribe", "unsubscribe"].includes(obj.type)
        ? `Unknown frame type "${obj.type.slice(0, 40)}".`
        : issueMessage(parsed.error);
    // A refused subscribe / unsubscribe names its channel, so the client knows which one failed.
    const channel = typeof obj.channel === "string" ? obj.channel.slice(0, 128) : undefined;
    return { ok: false, code: "bad_frame", message, ...(channel !== undefined ? { channel } : {}) };
  }
  return { ok: true, frame: parsed.data };
}

export type ServerParseResult = { ok: true; frame: ServerFrame } | { ok: false; message: string };

/** Used by the browser client and by tests: frames from the server, validated. */
export function parseServerFrame(data: string): ServerParseResult {
  const obj = parseJsonObject(data);
  if (!obj) return { ok: false, message: "not a JSON object" };
  const parsed = serverFrame.safeParse(obj);
  return parsed.success ? { ok: true, frame: parsed.data } : { ok: false, message: issueMessage(parsed.error) };
}

/**
 * Parses a JSON payload stored by Flare itself (Redis stream fields) against a schema. `plain`, on
 * a per-message path, checks the usual shape by hand first: what it returns is taken as is, and
 * what it refuses still goes to the schema. It must never accept what the schema refuses (a test
 * holds each one to its schema).
 */
export function parseStored<S extends z.ZodType>(
  schema: S,
  text: string,
  plain?: (value: Record<string, unknown>) => z.infer<S> | undefined,
): z.infer<S> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const object = plain && asObject(value);
  if (object) {
    const checked = plain(object);
    if (checked !== undefined) return checked;
  }
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}
