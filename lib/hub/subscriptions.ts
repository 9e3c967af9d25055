import type { ChannelAccess } from "../channels/access";
import {
  FlareError,
  isFlareError,
  MAX_CHANNELS_PER_CONNECTION,
  type SubscribeFrame,
  type UnsubscribeFrame,
} from "../protocol";
import type { HubChannels } from "./channels";
import type { Connection } from "./connection";

/**
 * The channel frames of one connection (`subscribe`, `unsubscribe`): checks, access, then the
 * channel's backlog and live events. Every refusal names the channel and leaves the connection
 * open. Runs in the connection's frame queue, so a connection's frames take effect in order.
 */
export class SubscriptionFrames {
  constructor(
    private readonly channels: HubChannels,
    private readonly access: ChannelAccess,
  ) {}

  async subscribe(conn: Connection, frame: SubscribeFrame): Promise<void> {
    const { channel } = frame;
    const followed = conn.channels;
    if (followed.has(channel)) return conn.sendError("already_subscribed", undefined, undefined, channel);
    if (followed.size >= MAX_CHANNELS_PER_CONNECTION)
      return conn.sendError("too_many_channels", undefined, undefined, channel);
    followed.add(channel);
    let rooms;
    try {
      rooms = await this.access.authorize([channel], {
        request: conn.context.request,
        seat: (room) => conn.context.seats.get(room),
      });
    } catch (e) {
      followed.delete(channel);
      return refuse(conn, channel, e);
    }
    if (conn.state === "closed") return;
    conn.markAdmitted();
    conn.push({ type: "subscribed", channel });
    try {
      await this.channels.follow(
        { channel, since: frame.since, history: frame.history, ...(frame.events ? { events: frame.events } : {}) },
        conn,
        rooms.get(channel) ?? null,
      );
    } catch (e) {
      followed.delete(channel);
      refuse(conn, channel, e);
    }
  }

  unsubscribe(conn: Connection, { channel }: UnsubscribeFrame): void {
    if (conn.channels.delete(channel)) this.channels.unfollow(channel, conn);
    conn.push({ type: "unsubscribed", channel });
  }

  /** The connection closed: it follows nothing any more. */
  drop(conn: Connection): void {
    if (!conn.followsChannels) return;
    for (const channel of conn.channels) this.channels.unfollow(channel, conn);
    conn.channels.clear();
  }
}

function refuse(conn: Connection, channel: string, e: unknown): void {
  const error = isFlareError(e) ? e : new FlareError("unavailable", "The channel cannot be read right now; try again.");
  const code = error.code === "bad_request" ? "bad_frame" : error.code;
  conn.sendError(code, error.message, undefined, channel);
}
