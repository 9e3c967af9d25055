import { compareIds, type Message, type ServerFrame } from "../protocol";

export type MemberState = "open" | "joining" | "joined" | "closed";

/**
 * Anything a LocalRoom feeds: a WebSocket connection, or a server-side subscriber (the typed
 * realtime API, SSE). The room's ordering guarantee lives here: live messages at or below
 * `lastId` are skipped, and while the member's history is being read they are buffered.
 */
export abstract class RoomMember {
  abstract readonly id: string;
  state: MemberState = "open";
  /** Empty for server-side subscribers: they are not people and never appear in presence. */
  clientId = "";
  /** Id of the newest message this member has been sent. */
  lastId = "0-0";
  /** Live messages that arrived while this member's history was being read. */
  pending: Message[] | null = null;
  /** The last presence frame sent, serialised: an unchanged set is not sent again. */
  lastPresence = "";

  /** Sends a frame; `json` is the frame already serialised, when the caller has it. */
  abstract push(frame: ServerFrame, json?: string): void;
  abstract close(code: number, reason?: string): void;

  get isPerson(): boolean {
    return this.clientId !== "";
  }

  deliver(message: Message, json?: string): void {
    if (this.pending) {
      this.pending.push(message);
      return;
    }
    if (compareIds(message.id, this.lastId) <= 0) return;
    this.lastId = message.id;
    this.push({ type: "message", message }, json);
  }
}
