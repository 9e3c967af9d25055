import { z } from "zod";
import {
  CLOSE_CODES,
  defaultMessage,
  ERROR_CODES,
  messageSchema,
  parseStored,
  userSchema,
  type ClientFrameInput,
  type ServerFrame,
} from "../protocol";
import type { ConnectionEvents, RoomTransport } from "./connection";

/**
 * The room without a WebSocket, for deployments and networks that cannot upgrade: Server-Sent
 * Events (`GET /api/rooms/:id/events`) bring messages, presence and the room's end; messages go
 * out as `POST /api/rooms/:id/messages`. It speaks to RoomSession in the same frames as a socket,
 * so the room state and the outbox work unchanged. What it cannot do: typing, and counting this
 * tab as online (a follower over SSE is not a person in presence).
 */

export type EventSourceLike = {
  readonly readyState: number;
  onopen: ((ev: Event) => void) | null;
  onerror: ((ev: Event) => void) | null;
  addEventListener(type: string, listener: (ev: MessageEvent) => void): void;
  close(): void;
};

export type FallbackOptions = {
  room: string;
  /** The tab's clientId now (it changes after `client_taken`). */
  clientId(): string;
  /** Its token, once one is known: every post carries it. */
  clientToken(): string | undefined;
  /** A post bound the clientId and handed out its token. */
  onClientToken(token: string): void;
  name(): string;
  /** Id of the newest message the tab holds: the stream resumes after it. */
  since(): string | undefined;
  createEventSource(url: string): EventSourceLike;
  fetch: typeof fetch;
};

const CLOSED = 2;
const ABNORMAL_CLOSURE = 1006;

const presenceData = z.object({ count: z.number(), users: z.array(userSchema) });
const destroyedData = z.object({ reason: z.enum(["expired", "destroyed"]) });
const postAnswer = z.object({ message: z.object({ id: z.string() }), clientToken: z.string().optional() });
const errorAnswer = z.object({ error: z.object({ code: z.enum(ERROR_CODES), message: z.string() }) });

export class FallbackConnection implements RoomTransport {
  private joined = false;
  private closed = false;
  private readonly source: EventSourceLike;
  private readonly base: string;

  constructor(
    private readonly options: FallbackOptions,
    private readonly events: ConnectionEvents,
  ) {
    this.base = `/api/rooms/${encodeURIComponent(options.room)}`;
    const since = options.since();
    this.source = options.createEventSource(`${this.base}/events${since ? `?since=${encodeURIComponent(since)}` : ""}`);
    this.source.onopen = () => this.onOpen();
    this.source.onerror = () => {
      if (this.source.readyState === CLOSED) void this.onGone();
    };
    this.listen("message", messageSchema, (message) => ({ type: "message", message }));
    this.listen("presence", presenceData, (p) => ({ type: "presence", room: options.room, ...p }));
    this.listen("destroyed", destroyedData, (d) => ({ type: "destroyed", room: options.room, reason: d.reason }));
    // The resume point is gone: replace what the tab holds with what follows.
    this.listen("reset", z.object({}), () => ({ type: "history", room: options.room, messages: [], reset: true }));
  }

  get isJoined(): boolean {
    return this.joined;
  }

  send(frame: ClientFrameInput): boolean {
    if (this.closed) return false;
    if (frame.type === "message") void this.post(frame.text, frame.nonce);
    return true;
  }

  close(): void {
    this.closed = true;
    this.joined = false;
    this.source.close();
  }

  private onOpen(): void {
    if (this.joined || this.closed) return;
    this.joined = true;
    const { room } = this.options;
    this.events.open();
    this.events.frame({
      type: "joined",
      room,
      connectionId: "fallback",
      clientId: this.options.clientId(),
      // Nothing was bound by following the stream; the first post binds (or proves) the clientId.
      clientToken: this.options.clientToken() ?? "",
      expiresAt: null,
      capacity: null,
    });
    // Messages after `since` arrive as events next; what the tab holds stays.
    this.events.frame({ type: "history", room, messages: [], reset: false });
  }

  private listen<T>(type: string, schema: z.ZodType<T>, toFrame: (data: T) => ServerFrame): void {
    this.source.addEventListener(type, (ev) => {
      const data = parseStored(schema, String(ev.data));
      if (data !== undefined && !this.closed) this.events.frame(toFrame(data));
    });
  }

  /** The stream ended for good (the browser gave up): an unknown room ends the room, else retry. */
  private async onGone(): Promise<void> {
    if (this.closed) return;
    this.close();
    let code = ABNORMAL_CLOSURE;
    try {
      const res = await this.options.fetch(this.base);
      if (res.status === 404) code = CLOSE_CODES.roomNotFound;
    } catch {
      // Still unreachable: retry like a dropped socket.
    }
    this.events.closed(code);
  }

  private async post(text: string, nonce: string | undefined): Promise<void> {
    const reply = (frame: ServerFrame) => {
      if (!this.closed) this.events.frame(frame);
    };
    const nonceField = nonce !== undefined ? { nonce } : {};
    const token = this.options.clientToken();
    try {
      const res = await this.options.fetch(`${this.base}/messages`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          name: this.options.name(),
          text,
          clientId: this.options.clientId(),
          ...(token ? { clientToken: token } : {}),
          ...nonceField,
        }),
      });
      const body: unknown = await res.json().catch(() => undefined);
      const stored = postAnswer.safeParse(body);
      if (res.ok && stored.success) {
        if (stored.data.clientToken) this.options.onClientToken(stored.data.clientToken);
        if (nonce !== undefined) reply({ type: "ack", nonce, id: stored.data.message.id });
        return;
      }
      const refused = errorAnswer.safeParse(body);
      if (refused.success) return reply({ type: "error", ...refused.data.error, ...nonceField });
    } catch {
      // Network trouble: answered below like a store that is down.
    }
    reply({ type: "error", code: "unavailable", message: defaultMessage("unavailable"), ...nonceField });
  }
}
