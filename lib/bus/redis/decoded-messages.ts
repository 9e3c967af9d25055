import type { Message } from "../../protocol";
import { decodeMessage } from "./codec";

/**
 * Decoded messages shared by all the rooms of an instance, bounded: past `max` the oldest entry
 * goes. ~300 bytes a message, so the default costs at most ~1.5 MB however many rooms there are.
 */
export class DecodedStore {
  private readonly byKey = new Map<string, Message>();
  private namespaces = 0;

  constructor(private readonly max = 5000) {}

  /** A key prefix no other room or earlier generation uses. */
  namespace(): string {
    return `${++this.namespaces}\n`;
  }

  get(key: string): Message | undefined {
    return this.byKey.get(key);
  }

  set(key: string, message: Message): void {
    this.byKey.set(key, message);
    if (this.byKey.size > this.max) this.byKey.delete(this.byKey.keys().next().value!);
  }
}

const shared = new DecodedStore();

/**
 * One room's stored messages as this instance decoded them, by id. An entry never changes once
 * appended, yet every join read the same newest entries again and parsed and validated each one
 * (issue #9: ~20 entries a join in the idle benchmark's rooms). The room's feed clears it when the
 * log restarts (ids may then come again with other messages). Decoded messages are shared by every
 * reader already (one decode per notice), so sharing them across joins changes nothing for readers.
 */
export class DecodedMessages {
  private prefix: string;

  constructor(
    private readonly room: string,
    private readonly store = shared,
  ) {
    this.prefix = store.namespace();
  }

  readonly decode = (id: unknown, fields: unknown): Message | undefined => {
    const known = typeof id === "string" ? this.store.get(this.prefix + id) : undefined;
    if (known) return known;
    const message = decodeMessage(this.room, id, fields);
    if (message) this.store.set(this.prefix + message.id, message);
    return message;
  };

  /** Forgets this room's messages: what it decodes from now on is decoded afresh. */
  clear(): void {
    this.prefix = this.store.namespace();
  }
}
