import { defaultMessage, type ChannelEvent, type ServerFrame } from "../../protocol";
import { ChannelState, wants, type ChannelError, type ChannelListener } from "./channel-state";
import type { ChannelTransport, RealtimeStatus } from "./transport";

export type { ChannelEnd, ChannelError, ChannelListener } from "./channel-state";
export type { RealtimeStatus } from "./transport";

/**
 * One tab's typed channels, independent of React (react.tsx wraps it): keeps the set of channels
 * its listeners follow subscribed over a transport (its own WebSocket, or the room's socket it
 * borrows), and delivers each event once, in id order per channel. Every new socket subscribes
 * each channel again with `since` = the newest id it delivered, so a reconnect loses nothing the
 * channel still holds and repeats nothing.
 */
export class ChannelClient {
  private readonly channels = new Map<string, ChannelState>();
  private readonly statusListeners = new Set<() => void>();
  private readonly own: ChannelTransport;
  private transport: ChannelTransport;
  private running = false;
  private isOpen = false;
  private currentStatus: RealtimeStatus = "disconnected";
  private reconcileQueued = false;

  constructor(transport: ChannelTransport) {
    this.own = this.transport = transport;
  }

  get status(): RealtimeStatus {
    return this.currentStatus;
  }

  /** Store interface for useSyncExternalStore: `listener` runs when `status` changes. */
  onStatus = (listener: () => void): (() => void) => {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  };

  getStatus = (): RealtimeStatus => this.currentStatus;

  /**
   * Follows `listener.channel` until the returned function runs. Listeners of the same channel share
   * one subscription; one that joins later gets its `history` from what was already delivered.
   */
  subscribe(listener: ChannelListener): () => void {
    const listenerCopy = { ...listener };
    let state = this.channels.get(listener.channel);
    if (!state) {
      state = new ChannelState(listener.channel);
      this.channels.set(listener.channel, state);
    }
    const channel = state;
    const replay = channel.replayFor(listenerCopy);
    channel.listeners.add(listenerCopy);
    channel.failed = undefined;
    if (channel.ended) {
      const reason = channel.ended;
      queueMicrotask(() => {
        if (channel.listeners.has(listenerCopy)) listenerCopy.onEnd?.(channel.name, reason);
      });
    }
    if (replay.length > 0) {
      queueMicrotask(() => {
        for (const e of replay) if (channel.listeners.has(listenerCopy)) call(() => listenerCopy.onEvent(e));
      });
    }
    this.changed();
    return () => {
      if (!channel.listeners.delete(listenerCopy)) return;
      channel.failed = undefined;
      this.changed();
    };
  }

  /**
   * Runs the channels over `transport` (the room's socket) instead of this client's own, until the
   * returned function runs. Every channel subscribes again on it, from its newest id.
   */
  borrow(transport: ChannelTransport): () => void {
    this.switchTo(transport);
    return () => {
      if (this.transport === transport) this.switchTo(this.own);
    };
  }

  /** Closes the socket (or lets go of the borrowed one); listeners stay, and start() resumes. */
  stop(): void {
    if (!this.running) return;
    this.running = false;
    this.transport.stop();
    this.onLost();
    this.setStatus("disconnected");
  }

  private switchTo(transport: ChannelTransport): void {
    if (transport === this.transport) return;
    const wasRunning = this.running;
    this.stop();
    this.transport = transport;
    if (wasRunning) this.start();
  }

  private start(): void {
    if (this.running) return;
    this.running = true;
    this.transport.start({
      open: () => this.onOpen(),
      frame: (frame) => this.onFrame(frame),
      status: (status) => {
        if (status !== "connected") this.onLost();
        this.setStatus(status);
      },
    });
  }

  /** Sends what changed after the current task, so a listener that leaves and comes back costs no frame. */
  private changed(): void {
    if (this.reconcileQueued) return;
    this.reconcileQueued = true;
    queueMicrotask(() => {
      this.reconcileQueued = false;
      this.reconcileAll();
    });
  }

  private reconcileAll(): void {
    if ([...this.channels.values()].some((c) => c.listeners.size > 0)) this.start();
    for (const channel of [...this.channels.values()]) this.reconcile(channel);
    this.stopWhenUnused();
  }

  /** No channel left to follow or to finish unsubscribing: the socket goes. */
  private stopWhenUnused(): void {
    if (this.channels.size === 0) this.stop();
  }

  /** Brings one channel's wire subscription to what its listeners want, one request at a time. */
  private reconcile(channel: ChannelState): void {
    const desired = channel.listeners.size > 0 && !channel.ended && !channel.failed;
    if (channel.wire === "idle" && !desired) {
      if (channel.listeners.size === 0) this.channels.delete(channel.name);
      return;
    }
    if (!this.isOpen) return;
    if (channel.wire === "idle") {
      const events = channel.wantedEvents();
      const history = channel.wantedHistory();
      const sent = this.transport.send({
        type: "subscribe",
        channel: channel.name,
        ...(events ? { events } : {}),
        ...(channel.lastId ? { since: channel.lastId } : {}),
        ...(history > 0 ? { history } : {}),
      });
      if (!sent) return;
      channel.wire = "subscribing";
      channel.wireEvents = events;
    } else if (channel.wire === "subscribed" && (!desired || channel.filterChanged())) {
      if (this.transport.send({ type: "unsubscribe", channel: channel.name })) channel.wire = "unsubscribing";
    }
  }

  private onOpen(): void {
    this.onLost();
    this.isOpen = true;
    for (const channel of this.channels.values()) channel.failed = undefined;
    this.reconcileAll();
  }

  /** The socket is gone: nothing is subscribed any more. */
  private onLost(): void {
    this.isOpen = false;
    for (const channel of this.channels.values()) channel.wire = "idle";
  }

  private onFrame(frame: ServerFrame): void {
    if (!("channel" in frame) || frame.channel === undefined) return;
    const channel = this.channels.get(frame.channel);
    if (!channel) return;
    switch (frame.type) {
      case "subscribed":
        if (channel.wire === "subscribing") channel.wire = "subscribed";
        break;
      case "events":
        if (!live(channel)) return;
        if (frame.reset) for (const l of channel.listeners) call(() => l.onReset?.(channel.name));
        for (const e of frame.events) this.deliver(channel, e);
        return;
      case "event": {
        if (!live(channel)) return;
        const { type: _type, ...event } = frame;
        this.deliver(channel, event);
        return;
      }
      case "unsubscribed":
        if (frame.reason && live(channel)) this.end(channel, frame.reason);
        else if (channel.wire === "unsubscribing") channel.wire = "idle";
        break;
      case "error":
        if (channel.wire === "subscribing") this.refuse(channel, frame.code, frame.message);
        else if (channel.wire === "unsubscribing") channel.wire = "idle";
        break;
    }
    this.reconcile(channel);
    this.stopWhenUnused();
  }

  private deliver(channel: ChannelState, event: ChannelEvent): void {
    if (!channel.accept(event)) return;
    for (const l of [...channel.listeners]) if (wants(l, event.event)) call(() => l.onEvent(event));
  }

  private refuse(channel: ChannelState, code: ChannelError["code"], message: string): void {
    channel.wire = "idle";
    const error = { channel: channel.name, code, message: message || defaultMessage(code) };
    channel.failed = error;
    for (const l of [...channel.listeners]) call(() => l.onError?.(error));
  }

  private end(channel: ChannelState, reason: "expired" | "destroyed"): void {
    channel.wire = "idle";
    channel.ended = reason;
    for (const l of [...channel.listeners]) call(() => l.onEnd?.(channel.name, reason));
  }

  private setStatus(status: RealtimeStatus): void {
    if (status === this.currentStatus) return;
    this.currentStatus = status;
    for (const l of [...this.statusListeners]) l();
  }
}

/**
 * Frames of a subscription sent on this socket. Those before an unsubscribe's answer still count:
 * its listeners that remain want them, and the next subscribe resumes after them.
 */
function live(channel: ChannelState): boolean {
  return channel.wire !== "idle";
}

/** A listener that throws does not stop the others from getting the event. */
function call(fn: () => void): void {
  try {
    fn();
  } catch (e) {
    console.error("[flare] a realtime listener threw", e);
  }
}
