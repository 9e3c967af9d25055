import type { FeedSink } from "../bus/types";
import { CLOSE_CODES, type Message, type ServerFrame } from "../protocol";
import { metrics } from "../observability/metrics";
import { messageFrame, type TextFrame } from "./text-frame";

export type MemberState = "open" | "joining" | "joined" | "closed";

/**
 * Anything a LocalRoom feeds: a WebSocket connection, or a server-side subscriber (the typed
 * realtime API, SSE). The room's feed decides what it gets and in which order; a member turns
 * that into frames.
 */
export abstract class RoomMember implements FeedSink {
  abstract readonly id: string;
  state: MemberState = "open";
  roomId = "";
  /** Empty for server-side subscribers: they are not people and never appear in presence. */
  clientId = "";
  name = "";
  /** The last presence frame sent: an unchanged set is not sent again. */
  lastPresence: TextFrame | undefined;

  get joined(): boolean {
    return this.state === "joined";
  }

  /** Sends a frame; `wire` is the frame already serialised and framed, when the caller has it. */
  abstract push(frame: ServerFrame, wire?: TextFrame): void;
  abstract close(code: number, reason?: string): void;

  history(messages: Message[], reset: boolean): void {
    this.push({ type: "history", room: this.roomId, messages, reset });
  }

  message(message: Message): void {
    metrics().deliveries.inc();
    this.push({ type: "message", message }, messageFrame(message));
  }

  unavailable(): void {
    this.close(CLOSE_CODES.tryAgainLater, "try again later");
  }
}
