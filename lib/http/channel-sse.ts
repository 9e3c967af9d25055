import type { ChannelNotice } from "../hub/local-channel";
import type { ChannelEvent } from "../protocol";
import type { SseFrame } from "./sse";
import type { StreamStart } from "./channel-start";

/**
 * Turns followed channels into Server-Sent Events: one `event: <name>` per Event (data: the Event
 * JSON) whose `id:` is the cursor of every channel after it, so Last-Event-ID resumes them all.
 * Once every channel's backlog is out, an `id:`-only block positions the client even on channels
 * that sent nothing yet. `event: reset` (data `{"channel"}`) comes before a backlog that does not
 * continue what the client held; `event: unsubscribed` when the room behind a room channel ended,
 * and the stream ends with the last channel.
 */
export class ChannelSseFrames implements AsyncIterableIterator<SseFrame> {
  private readonly queue: SseFrame[] = [];
  private readonly source: AsyncIterator<ChannelNotice>;
  private readonly backlogDue: Set<string>;
  private readonly open: Set<string>;
  private sentCursor = "";
  private over = false;

  constructor(
    notices: AsyncIterable<ChannelNotice>,
    private readonly start: StreamStart,
  ) {
    this.source = notices[Symbol.asyncIterator]();
    const channels = start.specs.map((s) => s.channel);
    this.backlogDue = new Set(channels);
    this.open = new Set(channels);
  }

  async next(): Promise<IteratorResult<SseFrame>> {
    while (this.queue.length === 0 && !this.over) {
      const next = await this.source.next();
      if (next.done) this.over = true;
      else this.take(next.value);
    }
    const frame = this.queue.shift();
    return frame ? { done: false, value: frame } : { done: true, value: undefined };
  }

  async return(): Promise<IteratorResult<SseFrame>> {
    this.over = true;
    this.queue.length = 0;
    await this.source.return?.();
    return { done: true, value: undefined };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private take(notice: ChannelNotice): void {
    switch (notice.type) {
      case "events": {
        const first = this.backlogDue.delete(notice.channel);
        if (notice.reset && (!first || this.start.resumed.has(notice.channel)))
          this.queue.push({ event: "reset", data: JSON.stringify({ channel: notice.channel }) });
        for (const event of notice.events) this.send(event);
        if (first && this.backlogDue.size === 0) this.position();
        return;
      }
      case "event": {
        const { type: _type, ...event } = notice;
        this.send(event);
        return;
      }
      case "unsubscribed": {
        this.open.delete(notice.channel);
        const { type: _type, ...data } = notice;
        this.queue.push({ event: "unsubscribed", data: JSON.stringify(data) });
        if (this.backlogDue.delete(notice.channel) && this.backlogDue.size === 0) this.position();
        if (this.open.size === 0) {
          this.over = true;
          void this.source.return?.()?.catch(() => {});
        }
        return;
      }
    }
  }

  private send({ id, channel, event, data, ts }: ChannelEvent): void {
    this.start.cursor.advance(channel, id);
    this.sentCursor = this.start.cursor.toString();
    this.queue.push({ id: this.sentCursor, event, data: JSON.stringify({ id, channel, event, data, ts }) });
  }

  /** An `id:`-only block when the cursor moved past what the last event carried. */
  private position(): void {
    const cursor = this.start.cursor.toString();
    if (cursor === "" || cursor === this.sentCursor) return;
    this.sentCursor = cursor;
    this.queue.push({ id: cursor });
  }
}
