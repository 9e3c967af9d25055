import { defaultMessage, type ErrorCode, type Message } from "../protocol";

/**
 * Messages this tab sent that the server has not confirmed yet. Each keeps the nonce it was first
 * sent with, so a resend after a reconnect is stored once (the server dedupes by nonce).
 * Entries are immutable; every function returns the same list when nothing changed.
 */

export type OutboxStatus = "sending" | "sent" | "failed";

export type OutboxEntry = {
  nonce: string;
  text: string;
  createdAt: number;
  status: OutboxStatus;
  /** Id from the `ack`, once stored ("sent" until the message itself arrives). */
  id?: string;
  /** Why it failed, for a person to read ("failed" only). */
  error?: string;
  /** Do not resend before this time (rate limited / unavailable). */
  retryAt?: number;
  /** The connection generation it was last written to; resent on a newer one. */
  sentOn?: number;
};

export type Outbox = readonly OutboxEntry[];

/** How long a refused message waits before it is resent: `baseMs` plus up to `jitterMs`. */
export const RETRY_DELAYS = {
  rateLimited: { baseMs: 1000, jitterMs: 500 },
  other: { baseMs: 2000, jitterMs: 1000 },
} as const;

/** The server could not parse what we sent: resending the same frame cannot help. */
const BAD_FRAME_TEXT = "The server could not accept this message.";

export function addEntry(outbox: Outbox, entry: OutboxEntry): Outbox {
  return [...outbox, entry];
}

export function findEntry(outbox: Outbox, nonce: string): OutboxEntry | undefined {
  return outbox.find((e) => e.nonce === nonce);
}

export function patchEntry(outbox: Outbox, nonce: string, patch: Partial<OutboxEntry>): Outbox {
  if (!findEntry(outbox, nonce)) return outbox;
  return outbox.map((e) => (e.nonce === nonce ? { ...e, ...patch } : e));
}

function removeWhere(outbox: Outbox, predicate: (e: OutboxEntry) => boolean): Outbox {
  const kept = outbox.filter((e) => !predicate(e));
  return kept.length === outbox.length ? outbox : kept;
}

export function removeEntry(outbox: Outbox, nonce: string): Outbox {
  return removeWhere(outbox, (e) => e.nonce === nonce);
}

/** Acked entries; after a history reset the room no longer shows them, so they will not arrive. */
export function dropAcked(outbox: Outbox): Outbox {
  return removeWhere(outbox, (e) => e.status === "sent");
}

/** Own messages that arrived settle their entries (by nonce, or by the acked id). */
export function settleArrived(outbox: Outbox, messages: readonly Message[], clientId: string): Outbox {
  const own = messages.filter((m) => m.clientId === clientId);
  if (own.length === 0) return outbox;
  const nonces = new Set(own.flatMap((m) => (m.nonce ? [m.nonce] : [])));
  const ids = new Set(own.map((m) => m.id));
  return removeWhere(outbox, (e) => nonces.has(e.nonce) || (e.id !== undefined && ids.has(e.id)));
}

/** An `ack`: stored as `id`. Settled at once when that message already arrived. */
export function settleAck(outbox: Outbox, nonce: string, id: string, messages: readonly Message[]): Outbox {
  if (messages.some((m) => m.id === id)) return removeEntry(outbox, nonce);
  return patchEntry(outbox, nonce, { status: "sent", id, retryAt: undefined, error: undefined });
}

/** A failed entry goes back to "sending" (a person asked to try again), keeping its nonce. */
export function resend(outbox: Outbox, nonce: string): Outbox {
  return patchEntry(outbox, nonce, { status: "sending", error: undefined, sentOn: undefined, retryAt: undefined });
}

/** Written on connection `generation`. */
export function markWritten(outbox: Outbox, nonce: string, generation: number): Outbox {
  return patchEntry(outbox, nonce, { sentOn: generation, retryAt: undefined });
}

/**
 * The retry policy for an `error` frame about one entry: what the server refuses for its content
 * fails for good (a person may retry or discard it); anything else (rate_limited, unavailable —
 * nothing stored —, not_joined, codes added later) is resent with the same nonce after a delay.
 */
export function refuse(outbox: Outbox, nonce: string, code: ErrorCode, now: number, random: () => number): Outbox {
  switch (code) {
    case "empty":
    case "too_long":
      return patchEntry(outbox, nonce, { status: "failed", error: defaultMessage(code), sentOn: undefined });
    case "bad_frame":
      return patchEntry(outbox, nonce, { status: "failed", error: BAD_FRAME_TEXT, sentOn: undefined });
    default: {
      const delay = code === "rate_limited" ? RETRY_DELAYS.rateLimited : RETRY_DELAYS.other;
      const retryAt = now + delay.baseMs + Math.round(random() * delay.jitterMs);
      return patchEntry(outbox, nonce, { sentOn: undefined, retryAt });
    }
  }
}

/** Entries to (re)send now on connection `generation`, oldest first. */
export function dueEntries(outbox: Outbox, generation: number, now: number): OutboxEntry[] {
  return outbox.filter(
    (e) => e.status === "sending" && e.sentOn !== generation && (e.retryAt === undefined || e.retryAt <= now),
  );
}

/** The earliest pending retry time, if any entry waits for one. */
export function nextRetryAt(outbox: Outbox): number | undefined {
  let next: number | undefined;
  for (const e of outbox) {
    if (e.status === "sending" && e.retryAt !== undefined && (next === undefined || e.retryAt < next)) next = e.retryAt;
  }
  return next;
}
