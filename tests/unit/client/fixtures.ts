import type { OutboxEntry } from "../../../lib/client/outbox";
import type { Message } from "../../../lib/protocol";

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
