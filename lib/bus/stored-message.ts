import type { Message } from "../protocol";
import type { MessageDraft } from "./types";

/**
 * The message a draft became once stored under `id`, in either bus: what a read of it would give.
 * `ts` is the id's millisecond part, so a message's time and its place in the log never disagree.
 */
export function storedMessage(draft: MessageDraft, id: string): Message {
  return {
    id,
    room: draft.room,
    clientId: draft.clientId,
    name: draft.name,
    text: draft.text,
    ts: idTime(id),
    ...(draft.system ? { system: true as const } : {}),
    ...(draft.event ? { event: draft.event } : {}),
    ...(draft.nonce !== undefined ? { nonce: draft.nonce } : {}),
  };
}

/** The millisecond part of a message id (`<ms>-<seq>`). */
export function idTime(id: string): number {
  return Number(id.slice(0, id.indexOf("-")));
}
