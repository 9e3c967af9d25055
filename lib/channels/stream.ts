import { FollowerQueue } from "../hub/follower-queue";
import type { ChannelFollower, ChannelNotice } from "../hub/local-channel";

/**
 * A follower of several channels as one async iterator of notices (SSE, server-side subscribe):
 * each channel's `events` backlog, then its `event`s, and `unsubscribed` when its room ends. It
 * ends when the last channel ended, on `finish()` / `return()`, or when its reader lags too far.
 */
export class ChannelStream implements ChannelFollower, AsyncIterableIterator<ChannelNotice> {
  private readonly queue: FollowerQueue<ChannelNotice>;
  private readonly open: Set<string>;

  constructor(
    channels: readonly string[],
    /** Unfollows every channel of this stream. */
    onStop: (stream: ChannelStream) => void,
  ) {
    this.open = new Set(channels);
    this.queue = new FollowerQueue(() => onStop(this));
  }

  push(notice: ChannelNotice): void {
    this.queue.put(notice);
  }

  channelEnded(channel: string): void {
    this.open.delete(channel);
    if (this.open.size === 0) this.finish();
  }

  unavailable(): void {
    this.finish();
  }

  /** Ends the iteration after what is already queued. */
  finish(): void {
    this.queue.finish();
  }

  next(): Promise<IteratorResult<ChannelNotice>> {
    return this.queue.next();
  }

  return(): Promise<IteratorResult<ChannelNotice>> {
    return this.queue.return();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
