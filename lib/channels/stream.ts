import type { ChannelFollower, ChannelNotice } from "../hub/local-channel";

/** A stream that falls this far behind is ended rather than buffering without bound. */
const MAX_QUEUED = 5000;

/**
 * A follower of several channels as one async iterator of notices (SSE, server-side subscribe):
 * each channel's `events` backlog, then its `event`s, and `unsubscribed` when its room ends. It
 * ends when the last channel ended, on `finish()` / `return()`, or when its reader lags too far.
 */
export class ChannelStream implements ChannelFollower, AsyncIterableIterator<ChannelNotice> {
  private readonly queue: ChannelNotice[] = [];
  private readonly open: Set<string>;
  private waiting: ((r: IteratorResult<ChannelNotice>) => void) | undefined;
  private done = false;

  constructor(
    channels: readonly string[],
    /** Unfollows every channel of this stream. */
    private readonly onStop: (stream: ChannelStream) => void,
  ) {
    this.open = new Set(channels);
  }

  push(notice: ChannelNotice): void {
    if (this.done) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve({ value: notice, done: false });
      return;
    }
    this.queue.push(notice);
    if (this.queue.length > MAX_QUEUED) this.finish();
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
    if (this.done) return;
    this.done = true;
    this.onStop(this);
    if (this.waiting && this.queue.length === 0) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve({ value: undefined, done: true });
    }
  }

  next(): Promise<IteratorResult<ChannelNotice>> {
    const value = this.queue.shift();
    if (value) return Promise.resolve({ value, done: false });
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  return(): Promise<IteratorResult<ChannelNotice>> {
    this.queue.length = 0;
    this.finish();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
