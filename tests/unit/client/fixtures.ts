import type { OutboxEntry } from "../../../lib/client/outbox";
import type { Message, ServerFrame } from "../../../lib/protocol";

/** A lobby message from "other" whose ts follows its id. */
export const msg = (id: string, extra: Partial<Message> = {}): Message => ({
  id,
  room: "lobby",
  clientId: "other",
  name: "Other",
  text: `m${id}`,
  ts: Number(id.split("-")[0]),
  ...extra,
});

/** An outbox entry still being sent. */
export const entry = (nonce: string, extra: Partial<OutboxEntry> = {}): OutboxEntry => ({
  nonce,
  text: `text ${nonce}`,
  createdAt: 1,
  status: "sending",
  ...extra,
});

/** The server's `joined` for "me" in the lobby, with no expiry or capacity. */
export const joinedFrame = (extra: Partial<Extract<ServerFrame, { type: "joined" }>> = {}) =>
  ({
    type: "joined",
    room: "lobby",
    connectionId: "c",
    clientId: "me",
    clientToken: "token-of-me-0123456789",
    expiresAt: null,
    capacity: null,
    ...extra,
  }) as const;
