import type { z } from "zod";
import type { Bus } from "../bus/types";
import type { Hub } from "../hub/hub";
import type { ChannelFollower, FollowOptions } from "../hub/local-channel";
import {
  CHANNEL_RETAINS,
  type ChannelEvent,
  FlareError,
  isFlareError,
  isMessageId,
  LOBBY,
  MAX_CHANNELS_PER_CONNECTION,
} from "../protocol";
import { invalidInput } from "../protocol/zod-issue";
import type { RoomService } from "../rooms/service";
import { isChannelName, isRoomChannel } from "./names";
import { ChannelStream } from "./stream";
import type { ChannelRangeQuery, Retention } from "./types";

/** Decides who may follow an application channel: a Response refuses (`forbidden`), nothing allows. */
export type Middleware = (ctx: {
  request: Request;
  channels: string[];
}) => Response | void | undefined | Promise<Response | void | undefined>;

/** What the application declared (lib/app-realtime.ts): its events, their retention, its middleware. */
export type ChannelsConfig = {
  events: ReadonlyMap<string, z.ZodType>;
  retention: Retention;
  middleware?: Middleware | undefined;
};

/** Who asks to follow channels: the request (middleware), and the seat tokens its cookies carry. */
export type AccessContext = {
  request: () => Request;
  seat: (roomId: string) => string | undefined;
};

export type HistoryOptions = { limit?: number; start?: string | number; end?: string | number };

/** A channel to follow and where to start: after `since`, else the newest `history` (default 0). */
export type FollowSpec = { channel: string } & FollowOptions;

/**
 * Channels on one instance, for every edge (WebSocket frames, the HTTP routes, server code): who
 * may follow what, emit (validated against the application's schema), history, and following.
 * Storage is the bus's (`bus.channels`); local fan-out is the hub's.
 */
export class ChannelService {
  constructor(
    private readonly deps: { bus: Bus; rooms: RoomService; hub: Hub },
    readonly config: ChannelsConfig,
  ) {}

  /** `data` as the event's schema makes it; `bad_request` naming the event or the failing field. */
  parse(event: string, data: unknown): unknown {
    const schema = this.config.events.get(event);
    if (!schema) throw new FlareError("bad_request", `"${event.slice(0, 128)}" is not an event of this app's schema.`);
    const parsed = schema.safeParse(data);
    if (!parsed.success) throw invalidInput(parsed.error);
    return parsed.data;
  }

  /** Validates once and stores the event in every channel (one round trip per Redis node). */
  async emit(channels: readonly string[], event: string, data: unknown): Promise<ChannelEvent[]> {
    for (const channel of channels) requireName(channel);
    const value = this.parse(event, data);
    return this.deps.bus.channels.emit(
      channels.map((channel) => ({ channel, event, data: value })),
      this.config.retention,
    );
  }

  async history(channel: string, { limit = 100, start, end }: HistoryOptions = {}): Promise<ChannelEvent[]> {
    requireName(channel);
    if (!Number.isInteger(limit) || limit < 1 || limit > CHANNEL_RETAINS)
      throw new FlareError("bad_request", `limit must be 1–${CHANNEL_RETAINS}`);
    const query: ChannelRangeQuery = { limit };
    if (start !== undefined) query.start = bound(start);
    if (end !== undefined) query.end = bound(end);
    return this.deps.bus.channels.range(channel, query);
  }

  /**
   * Whether `channels` may be followed by this requester: valid names, at most 100, room channels
   * with the room's seat (`room_not_found` / `unauthorized`), the others through the middleware
   * (`forbidden`). Returns the expiry of each room channel's room (null: the lobby).
   */
  async authorize(channels: readonly string[], ctx: AccessContext): Promise<Map<string, number | null>> {
    if (channels.length === 0) throw new FlareError("bad_request", "Name at least one channel.");
    if (channels.length > MAX_CHANNELS_PER_CONNECTION) throw new FlareError("too_many_channels");
    for (const channel of channels) requireName(channel);
    const rooms = new Map<string, number | null>();
    const own: string[] = [];
    for (const channel of channels) {
      if (!isRoomChannel(channel)) {
        own.push(channel);
        continue;
      }
      const info = await this.deps.rooms.authorize(channel, ctx.seat(channel));
      if (info.expiresAt !== null && info.expiresAt <= Date.now()) throw new FlareError("room_not_found");
      rooms.set(channel, info.expiresAt);
    }
    if (own.length > 0 && this.config.middleware) {
      let refused: Response | void | undefined;
      try {
        refused = await this.config.middleware({ request: ctx.request(), channels: own });
      } catch (e) {
        if (isFlareError(e)) throw e;
        throw new FlareError("forbidden", "The channel middleware failed.", { cause: e });
      }
      if (refused) throw new FlareError("forbidden", await refusalMessage(refused));
    }
    return rooms;
  }

  /** For trusted server code: the expiry of each room channel's room (`room_not_found` when it is gone). */
  async roomsOf(channels: readonly string[]): Promise<Map<string, number | null>> {
    const rooms = new Map<string, number | null>();
    for (const channel of channels) {
      requireName(channel);
      if (!isRoomChannel(channel)) continue;
      rooms.set(channel, channel === LOBBY ? null : (await this.deps.rooms.get(channel)).expiresAt);
    }
    return rooms;
  }

  /**
   * Follows channels already authorized, as one ordered stream of notices per channel (SSE,
   * server code): `events` (the backlog) first, then `event`s, until the signal aborts or the
   * follower stops. Each channel's events arrive in id order, none missed, none twice.
   */
  async follow(specs: readonly FollowSpec[], rooms: ReadonlyMap<string, number | null>, signal?: AbortSignal) {
    const stream = new ChannelStream((follower) => this.stop(specs, follower));
    if (signal?.aborted) {
      stream.finish();
      return stream;
    }
    signal?.addEventListener("abort", () => stream.finish(), { once: true });
    try {
      for (const spec of specs) await this.open(spec, stream, rooms.get(spec.channel) ?? null);
    } catch (e) {
      stream.finish();
      throw e;
    }
    return stream;
  }

  /** One follower on one channel of this instance's hub. */
  open(spec: FollowSpec, follower: ChannelFollower, expiresAt: number | null): Promise<void> {
    return this.deps.hub.channels.follow(spec, follower, expiresAt);
  }

  close(channel: string, follower: ChannelFollower): void {
    this.deps.hub.channels.unfollow(channel, follower);
  }

  private stop(specs: readonly FollowSpec[], follower: ChannelFollower): void {
    for (const spec of specs) this.close(spec.channel, follower);
  }
}

function requireName(channel: string): void {
  if (!isChannelName(channel))
    throw new FlareError("bad_request", "Channel names are 1–64 characters of A–Z, a–z, 0–9, _, ., : or -.");
}

function bound(value: string | number): string | number {
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return value;
  if (typeof value === "string" && isMessageId(value)) return value;
  throw new FlareError("bad_request", "start and end are epoch milliseconds or event ids.");
}

async function refusalMessage(response: Response): Promise<string> {
  const text = (await response.text().catch(() => "")).trim();
  return text && text.length <= 200 ? text : `Refused by the channel middleware (${response.status}).`;
}
