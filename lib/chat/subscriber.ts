import { nanoid } from "nanoid";
import { FollowerQueue } from "../hub/follower-queue";
import { RoomMember } from "../hub/member";
import type { Message, ServerFrame } from "../protocol";
import type { ChatEvent } from "./schema";

/**
 * A server-side member of a room that turns what the room sends into an async iterator of
 * chat events. A replayed history arrives as one `message` event per message; a `reset` event
 * comes first when the room's log restarted, or when the `since` it resumed from is gone.
 */
export class Subscriber extends RoomMember implements AsyncIterableIterator<ChatEvent> {
  readonly id = `sub-${nanoid(10)}`;
  private readonly queue = new FollowerQueue<ChatEvent>(() => {
    this.state = "closed";
    this.onClose();
  });
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
    if (this.queue.finished) return;
    const first = !this.started;
    this.started = true;
    if (reset && (!first || this.since !== undefined)) this.queue.put({ type: "reset", room: this.roomId });
    if (this.replay) for (const message of messages) this.queue.put({ type: "message", message });
  }

  push(frame: ServerFrame): void {
    switch (frame.type) {
      case "message":
      case "presence":
        return this.queue.put(frame);
      case "destroyed":
        this.queue.put(frame);
        this.finish();
        return;
    }
  }

  close(): void {
    this.finish();
  }

  /** Ends the iteration after what is already queued. */
  finish(): void {
    this.queue.finish();
  }

  next(): Promise<IteratorResult<ChatEvent>> {
    return this.queue.next();
  }

  return(): Promise<IteratorResult<ChatEvent>> {
    return this.queue.return();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
