import { nanoid } from "nanoid";
import { RoomMember } from "../hub/member";
import type { Message, ServerFrame } from "../protocol";
import type { RealtimeEvent } from "./schema";

/** A subscriber that falls this far behind is dropped rather than buffering without bound. */
const MAX_QUEUED = 5000;

/**
 * A server-side member of a room that turns what the room sends into an async iterator of
 * realtime events. A replayed history arrives as one `message` event per message; a `reset` event
 * comes first when the room's log restarted, or when the `since` it resumed from is gone.
 */
export class Subscriber extends RoomMember implements AsyncIterableIterator<RealtimeEvent> {
  readonly id = `sub-${nanoid(10)}`;
  private readonly queue: RealtimeEvent[] = [];
  private waiting: ((r: IteratorResult<RealtimeEvent>) => void) | undefined;
  private done = false;
  private started = false;
  /** Set by the channel: detaches from the room. */
  onClose: () => void = () => {};

  constructor(
    /** Turn histories into events; otherwise the first history only sets the starting point. */
    private readonly replay: boolean,
    /** The id this subscriber resumes after, if any. */
    private readonly since?: string,
  ) {
    super();
  }

  history(messages: Message[], reset: boolean): void {
    if (this.done) return;
    const first = !this.started;
    this.started = true;
    if (reset && (!first || this.since !== undefined)) this.enqueue({ type: "reset", room: this.roomId });
    if (this.replay) for (const message of messages) this.enqueue({ type: "message", message });
  }

  push(frame: ServerFrame): void {
    if (this.done) return;
    switch (frame.type) {
      case "message":
      case "presence":
        return this.enqueue(frame);
      case "destroyed":
        this.enqueue(frame);
        this.finish();
        return;
    }
  }

  close(): void {
    this.finish();
  }

  private enqueue(event: RealtimeEvent): void {
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve({ value: event, done: false });
      return;
    }
    this.queue.push(event);
    if (this.queue.length > MAX_QUEUED) this.finish();
  }

  /** Ends the iteration after what is already queued. */
  finish(): void {
    if (this.done) return;
    this.done = true;
    this.state = "closed";
    this.onClose();
    if (this.waiting && this.queue.length === 0) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve({ value: undefined, done: true });
    }
  }

  next(): Promise<IteratorResult<RealtimeEvent>> {
    const value = this.queue.shift();
    if (value) return Promise.resolve({ value, done: false });
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  return(): Promise<IteratorResult<RealtimeEvent>> {
    this.queue.length = 0;
    this.finish();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
