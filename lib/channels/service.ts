import type { Bus } from "../bus/types";
import type { Hub } from "../hub/hub";
import type { ChannelFollower, FollowOptions } from "../hub/local-channel";
import { CHANNEL_RETAINS, type ChannelEvent, FlareError, isMessageId, LOBBY, MAX_EVENT_DATA_BYTES } from "../protocol";
import { invalidInput } from "../protocol/zod-issue";
import type { RoomService } from "../rooms/service";
import { type AccessContext, type ChannelAccess, requireChannelName, type RoomExpiries } from "./access";
import type { ChannelsConfig } from "./config";
import { isRoomChannel } from "./names";
import { ChannelStream } from "./stream";
import type { ChannelRangeQuery } from "./types";

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
    private readonly deps: { bus: Bus; rooms: RoomService; hub: Hub; access: ChannelAccess },
    readonly config: ChannelsConfig,
  ) {}

  /** `data` as the event's schema makes it; `bad_request` naming the event or the failing field. */
  parse(event: string, data: unknown, events: ChannelsConfig["events"] = this.config.events): unknown {
    const schema = events.get(event);
    if (!schema) throw new FlareError("bad_request", `"${event.slice(0, 128)}" is not an event of this app's schema.`);
    const parsed = schema.safeParse(data);
    if (!parsed.success) throw invalidInput(parsed.error);
    const json = JSON.stringify(parsed.data) ?? "null";
    if (Buffer.byteLength(json) > MAX_EVENT_DATA_BYTES)
      throw new FlareError("too_large", `An event's data can be at most ${MAX_EVENT_DATA_BYTES / 1024} KiB of JSON.`);
    return parsed.data;
  }

  /**
   * Validates once and stores the event in every channel (one round trip per Redis node), under
   * the application's schema and retention, or those of another `Realtime` of the same process.
   */
  async emit(
    channels: readonly string[],
    event: string,
    data: unknown,
    config: Pick<ChannelsConfig, "events" | "retention"> = this.config,
  ): Promise<ChannelEvent[]> {
    for (const channel of channels) requireChannelName(channel);
    const value = this.parse(event, data, config.events);
    return this.deps.bus.channels.emit(
      channels.map((channel) => ({ channel, event, data: value })),
      config.retention,
    );
  }

  async history(channel: string, { limit = 100, start, end }: HistoryOptions = {}): Promise<ChannelEvent[]> {
    requireChannelName(channel);
    if (!Number.isInteger(limit) || limit < 1 || limit > CHANNEL_RETAINS)
      throw new FlareError("bad_request", `limit must be 1–${CHANNEL_RETAINS}`);
    const query: ChannelRangeQuery = { limit };
    if (start !== undefined) query.start = bound(start);
    if (end !== undefined) query.end = bound(end);
    return this.deps.bus.channels.range(channel, query);
  }

  /** Whether `channels` may be followed by this requester (lib/channels/access.ts). */
  authorize(channels: readonly string[], ctx: AccessContext): Promise<RoomExpiries> {
    return this.deps.access.authorize(channels, ctx);
  }

  /** For trusted server code: the expiry of each room channel's room (`room_not_found` when it is gone). */
  async roomsOf(channels: readonly string[]): Promise<RoomExpiries> {
    const rooms: RoomExpiries = new Map();
    for (const channel of channels) {
      requireChannelName(channel);
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
  async follow(specs: readonly FollowSpec[], rooms: RoomExpiries, signal?: AbortSignal): Promise<ChannelStream> {
    const stream = new ChannelStream(
      specs.map((s) => s.channel),
      (follower) => this.stop(specs, follower),
    );
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

function bound(value: string | number): string | number {
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return value;
  if (typeof value === "string" && isMessageId(value)) return value;
  throw new FlareError("bad_request", "start and end are epoch milliseconds or event ids.");
}
