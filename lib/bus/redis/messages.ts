import { FlareError, isMessageId, type Message, NONCE_DEDUPE_MS, ROOM_RETAINS } from "../../protocol";
import type { Commands } from "../../redis/commands";
import { roomKeyList, roomKeys } from "../../redis/keys";
import { APPEND_KEYS, HISTORY_KEYS } from "../../redis/scripts/messages";
import type { AppendResult, HistoryResult, MessageDraft, RangeQuery } from "../types";
import { storedMessage } from "../stored-message";
import { decodeMessage, decodeMessages, encodeDraft } from "./codec";
import { log } from "../../observability/log";

/**
 * The message log of a room: a stream capped at ~ROOM_RETAINS entries (`MAXLEN ~` trims whole
 * macro nodes only, so at least the newest ROOM_RETAINS always remain).
 */

/** One round trip: nonce dedupe + XADD + nonce record/prune + expiry, atomically (flareAppend). */
export async function appendMessage(cmd: Commands, draft: MessageDraft): Promise<AppendResult> {
  const member = draft.nonce === undefined ? "" : `${draft.clientId}\n${draft.nonce}`;
  const data = encodeDraft(draft);
  const reply = await cmd.run((c) =>
    c.flareAppend(
      ...roomKeyList(draft.room, APPEND_KEYS),
      draft.room,
      NONCE_DEDUPE_MS,
      ROOM_RETAINS,
      member,
      data,
      cmd.instanceId,
    ),
  );
  if (reply[0] === 1) {
    // Trimmed from the stream: the resend stands for the first message (same nonce, same sender).
    const first = reply.length === 2 ? storedMessage(draft, reply[1]) : decodeMessage(draft.room, reply[1], reply[2]);
    if (!first || !isMessageId(first.id)) throw unexpected("flareAppend (duplicate)", reply);
    return { message: first, duplicate: true };
  }
  if (!isMessageId(reply[1])) throw unexpected("flareAppend", reply);
  return { message: storedMessage(draft, reply[1]), duplicate: false };
}

/** One round trip (flareHistory): after `since` when the stream holds it, else the newest `limit`. */
export async function readHistory(
  cmd: Commands,
  room: string,
  since: string | undefined,
  limit: number,
): Promise<HistoryResult> {
  const validSince = since !== undefined && isMessageId(since) ? since : "";
  const [reset, entries] = await cmd.run((c) => c.flareHistory(...roomKeyList(room, HISTORY_KEYS), validSince, limit));
  if (reset === 0) return { messages: decodeMessages(room, entries), reset: false };
  return { messages: decodeMessages(room, entries).reverse(), reset: true };
}

/** Inclusive range, oldest first: `limit` from `start` when given, else the newest `limit` up to `end`. */
export async function readRange(cmd: Commands, room: string, { start, end, limit }: RangeQuery): Promise<Message[]> {
  for (const bound of [start, end]) {
    if (bound !== undefined && !isMessageId(bound))
      throw new FlareError("bad_request", "start and end must be message ids.");
  }
  const key = roomKeys(room).messages;
  if (start !== undefined) {
    const entries = await cmd.run((c) => c.xrange(key, start, end ?? "+", "COUNT", limit));
    return decodeMessages(room, entries);
  }
  const entries = await cmd.run((c) => c.xrevrange(key, end ?? "+", "-", "COUNT", limit));
  return decodeMessages(room, entries).reverse();
}

function unexpected(what: string, reply: unknown): FlareError {
  // The reply's shape only: its entries may hold message text, which is never logged.
  const shape = Array.isArray(reply) ? `array of ${reply.length}` : typeof reply;
  log().error({ command: what, shape }, "unexpected redis reply");
  return new FlareError("unavailable");
}
