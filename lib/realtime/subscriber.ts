import { nanoid } from "nanoid";
import { RoomMember } from "../hub/member";
import type { ServerFrame } from "../protocol";
import type { RealtimeEvent } from "./schema";

/** A subscriber that falls this far behind is dropped rather than buffering without bound. */
const MAX_QUEUED = 5000;

/**
 * A server-side member of a room that turns what the room sends into an async iterator of
 * realtime events. `history` arrives as one `message` event per message.
 */
export class Subscriber extends RoomMember implements AsyncIterableIterator<RealtimeEvent> {
  readonly id = `sub-${nanoid(10)}`;
  private readonly queue: RealtimeEvent[] = [];
  private waiting: ((r: IteratorResult<RealtimeEvent>) => void) | undefined;
  private done = false;
  /** Set by the channel: detaches from the room. */
  onClose: () => void = () => {};
  /** Whether a history frame with reset:true was delivered (SSE tells its client to start over). */
  reset = false;

  /** `replay`: turn the initial history into events; otherwise it only sets the starting point. */
  constructor(private readonly replay: boolean) {
    super();
  }

  push(frame: ServerFrame): void {
    if (this.done) return;
    switch (frame.type) {
      case "history":
        this.reset = frame.reset;
        if (this.replay) for (const message of frame.messages) this.enqueue({ type: "message", message });
        if (frame.messages.length > 0) this.lastId = frame.messages.at(-1)!.id;
        return;
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
