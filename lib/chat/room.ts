import type { Bus } from "../bus/types";
import { FlareError, isMessageId, LOBBY, type Message, ROOM_RETAINS } from "../protocol";
import { invalidInput } from "../protocol/zod-issue";
import type { Hub } from "../hub/hub";
import type { RoomService } from "../rooms/service";
import type { RoomMeta } from "../rooms/types";
import { emitSchemas, SERVER_CLIENT_ID, type EmitEvent, type EmitInput } from "./schema";
import { Subscriber } from "./subscriber";

export type HistoryQuery = { limit?: number; start?: string; end?: string };
export type SubscribeOptions = {
  /** Replay messages first: after `since` when the room still holds it, else the newest `limit` (default 50). */
  history?: boolean | { since?: string; limit?: number };
  signal?: AbortSignal;
};
export type ChatRoomOptions = {
  /**
   * The room as the caller has just read it (an HTTP request's seat check): this channel then
   * trusts it instead of reading it again. Only for a channel used within that request.
   */
  room?: RoomMeta | null;
};

/**
 * One room, for server code: `emit` stores and delivers a message to every connection on every
 * instance (same path as a WebSocket message), `history` reads it back, `subscribe` follows it.
 * Access checks (seats) are the caller's business: this is the trusted server side.
 */
export class ChatRoom {
  constructor(
    readonly roomId: string,
    private readonly deps: { bus: Bus; hub: Hub; rooms: RoomService },
    private readonly opts: ChatRoomOptions = {},
  ) {}

  async emit<E extends EmitEvent>(event: E, data: EmitInput<E>): Promise<Message> {
    const parsed = emitSchemas[event].safeParse(data);
    if (!parsed.success) throw invalidInput(parsed.error);
    await this.requireRoom();
    const { name, text, clientId, nonce } = parsed.data;
    const { message } = await this.deps.bus.append({
      room: this.roomId,
      clientId: clientId ?? SERVER_CLIENT_ID,
      name,
      text,
      ...(nonce !== undefined ? { nonce } : {}),
    });
    return message;
  }

  async history({ limit = 100, start, end }: HistoryQuery = {}): Promise<Message[]> {
    if (!Number.isInteger(limit) || limit < 1 || limit > ROOM_RETAINS)
      throw new FlareError("bad_request", "limit must be 1–1000");
    for (const id of [start, end])
      if (id !== undefined && !isMessageId(id)) throw new FlareError("bad_request", `"${id}" is not a message id`);
    await this.requireRoom();
    return this.deps.bus.range(this.roomId, { limit, ...(start ? { start } : {}), ...(end ? { end } : {}) });
  }

  /** Live events of the room as an async iterator; it ends on abort, on `destroyed`, or on `return()`. */
  async subscribe({ history = false, signal }: SubscribeOptions = {}): Promise<Subscriber> {
    const room = await this.requireRoom();
    const opts = typeof history === "object" ? history : {};
    const since = history ? opts.since : undefined;
    const sub = new Subscriber(history !== false, since);
    sub.onClose = () => this.deps.hub.unfollow(this.roomId, sub);
    if (signal?.aborted) {
      sub.finish();
      return sub;
    }
    signal?.addEventListener("abort", () => sub.finish(), { once: true });
    await this.deps.hub.follow(this.roomId, sub, { since, limit: opts.limit, expiresAt: room?.expiresAt });
    return sub;
  }

  /** `room_not_found` unless the room exists (or the caller vouched for it). */
  private async requireRoom(): Promise<{ expiresAt: number } | undefined> {
    if (this.roomId === LOBBY) return undefined;
    return this.opts.room ?? this.deps.rooms.get(this.roomId);
  }
}
