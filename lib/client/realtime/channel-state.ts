import { CHANNEL_RETAINS, compareIds, type ChannelEvent, type ErrorCode } from "../../protocol";

/** A subscribe the server refused, in words a person can read (`message` comes from the server). */
export type ChannelError = { channel: string; code: ErrorCode; message: string };

export type ChannelEnd = "expired" | "destroyed";

/** One listener of one channel, as ChannelClient.subscribe takes it. */
export type ChannelListener = {
  channel: string;
  /** Only these event names (default: all). */
  events?: readonly string[] | undefined;
  /** How many past events to get when it starts (0–1000, default 0). */
  history?: number | undefined;
  onEvent(event: ChannelEvent): void;
  /** What was held may have a gap (the resume point is gone): the newest `history` events follow. */
  onReset?: ((channel: string) => void) | undefined;
  onError?: ((error: ChannelError) => void) | undefined;
  /** The room behind a room channel ended: nothing more comes. */
  onEnd?: ((channel: string, reason: ChannelEnd) => void) | undefined;
};

/**
 * Where a channel's subscription stands on the current socket: nothing sent, a subscribe or an
 * unsubscribe waiting for its answer, or subscribed. One request at a time per channel, so every
 * frame about the channel belongs to the request in flight.
 */
export type WireState = "idle" | "subscribing" | "subscribed" | "unsubscribing";

/** One channel the client follows: its listeners, the newest id delivered, and its wire state. */
export class ChannelState {
  readonly listeners = new Set<ChannelListener>();
  wire: WireState = "idle";
  /** The event filter of the subscription on the wire (undefined: all events). */
  wireEvents: string[] | undefined;
  /** Id of the newest event delivered; the next subscribe resumes after it. */
  lastId: string | undefined;
  /** Refused on this socket: not asked again until the next socket or a change of listeners. */
  failed: ChannelError | undefined;
  ended: ChannelEnd | undefined;
  /** The newest delivered events, so a listener that joins later gets its `history` too. */
  private recent: ChannelEvent[] = [];

  constructor(readonly name: string) {}

  /** The filter the listeners need together: undefined when any of them wants every event. */
  wantedEvents(): string[] | undefined {
    const names = new Set<string>();
    for (const l of this.listeners) {
      if (!l.events) return undefined;
      for (const e of l.events) names.add(e);
    }
    return [...names].sort();
  }

  wantedHistory(): number {
    let n = 0;
    for (const l of this.listeners) n = Math.max(n, l.history ?? 0);
    return Math.min(n, CHANNEL_RETAINS);
  }

  /** True when the wire subscription no longer matches what the listeners want. */
  filterChanged(): boolean {
    const want = this.wantedEvents();
    if (!want || !this.wireEvents) return want !== this.wireEvents;
    return want.length !== this.wireEvents.length || want.some((e, i) => e !== this.wireEvents?.[i]);
  }

  /** Records the event and returns true, or false when it was already delivered (id not after the newest). */
  accept(event: ChannelEvent): boolean {
    if (this.lastId !== undefined && compareIds(event.id, this.lastId) <= 0) return false;
    this.lastId = event.id;
    this.recent.push(event);
    const keep = this.wantedHistory();
    if (this.recent.length > keep) this.recent.splice(0, this.recent.length - keep);
    return true;
  }

  /** The newest `n` delivered events this listener wants, oldest first. */
  replayFor(listener: ChannelListener): ChannelEvent[] {
    const n = listener.history ?? 0;
    if (n <= 0) return [];
    return this.recent.filter((e) => wants(listener, e.event)).slice(-n);
  }
}

export function wants(listener: ChannelListener, event: string): boolean {
  return !listener.events || listener.events.includes(event);
}
