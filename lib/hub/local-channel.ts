import type { Bus, Feed, FeedSink } from "../bus/types";
import type { ChannelEvent, DestroyReason, ServerFrameOf } from "../protocol";
import { metrics } from "../observability/metrics";
import { ExpiryTimer } from "./expiry";
import { eventFrame, TextFrame } from "./text-frame";

/** What a channel sends its followers: the backlog, each event, and its end. */
export type ChannelNotice = ServerFrameOf<"events" | "event" | "unsubscribed">;

/** A WebSocket connection, or a stream of notices (SSE, server code), following channels. */
export interface ChannelFollower {
  /** `wire` is the notice already serialised and framed, when the channel has it. */
  push(notice: ChannelNotice, wire?: TextFrame): void;
  /** The channel's log restarted and could not be read again: this follower cannot continue. */
  unavailable(): void;
  /** The room behind a room channel ended: the follower no longer follows `channel`. */
  channelEnded(channel: string): void;
}

/** Where a follower starts: after `since` when the channel holds it, else the newest `history` (default 0). */
export type FollowOptions = { since?: string | undefined; history?: number | undefined; events?: readonly string[] };

export type LocalChannelHooks = { empty(channel: LocalChannel): void };

/**
 * One channel as this instance sees it: its followers, fed from the channel's ordered feed (the
 * same one rooms use: backlog, then live, nothing missed or doubled), each through its event filter.
 */
export class LocalChannel {
  private readonly follows = new Map<ChannelFollower, FeedSink<ChannelEvent>>();
  private readonly feed: Feed<ChannelEvent>;
  private readonly expiry = new ExpiryTimer(() => this.end("expired"));

  constructor(
    readonly name: string,
    bus: Bus,
    private readonly hooks: LocalChannelHooks,
  ) {
    this.feed = bus.channels.feed(name, {
      event: (event) => {
        if (event.kind === "destroyed") this.end(event.reason);
      },
      reset: () => {},
    });
  }

  get size(): number {
    return this.follows.size;
  }

  /** Sends the follower its backlog (`events`), then live events. Rejects when the log cannot be read. */
  async follow(follower: ChannelFollower, { since, history = 0, events }: FollowOptions): Promise<void> {
    const sink = channelSink(this.name, follower, events ? new Set(events) : undefined);
    this.follows.set(follower, sink);
    try {
      await this.feed.open(sink, { since, limit: history });
    } catch (e) {
      this.unfollow(follower);
      throw e;
    }
  }

  unfollow(follower: ChannelFollower): void {
    const sink = this.follows.get(follower);
    if (!sink) return;
    this.follows.delete(follower);
    this.feed.close(sink);
    if (this.follows.size > 0) return;
    this.expiry.clear();
    this.hooks.empty(this);
  }

  /** A room channel ends at its room's expiry on every instance that holds it. */
  expireAt(expiresAt: number): void {
    this.expiry.at(expiresAt);
  }

  /** The room behind this channel ended: every follower gets `unsubscribed` with the reason. */
  end(reason: DestroyReason): void {
    const notice: ChannelNotice = { type: "unsubscribed", channel: this.name, reason };
    const wire = TextFrame.of(notice);
    for (const follower of [...this.follows.keys()]) {
      this.unfollow(follower);
      follower.push(notice, wire);
      follower.channelEnded(this.name);
    }
  }
}

function channelSink(
  channel: string,
  follower: ChannelFollower,
  only: ReadonlySet<string> | undefined,
): FeedSink<ChannelEvent> {
  return {
    history(events, reset) {
      follower.push({
        type: "events",
        channel,
        events: only ? events.filter((e) => only.has(e.event)) : events,
        reset,
      });
    },
    message(event) {
      if (only && !only.has(event.event)) return;
      metrics().deliveries.inc();
      follower.push({ type: "event", ...event }, eventFrame(event));
    },
    unavailable() {
      follower.unavailable();
    },
  };
}
