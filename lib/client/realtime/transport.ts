import type { ServerFrame, SubscribeFrame, UnsubscribeFrame } from "../../protocol";

/** How a ChannelClient's link to the server is doing, as `useRealtime` reports it. */
export type RealtimeStatus = "connecting" | "connected" | "reconnecting" | "disconnected";

export type ChannelFrameOut = SubscribeFrame | UnsubscribeFrame;

export type ChannelTransportEvents = {
  /** A new socket is open: nothing is subscribed on it yet. */
  open(): void;
  frame(frame: ServerFrame): void;
  /** The socket is gone (no frame of it follows) or connecting: every subscription starts over on the next open(). */
  status(status: RealtimeStatus): void;
};

/**
 * The socket a ChannelClient speaks over: its own WebSocket (socket-transport.ts), or the socket of
 * the room the page is in (room-host.ts). Each open() is a fresh socket the client subscribes
 * everything on again, from the id of the newest event it delivered.
 */
export interface ChannelTransport {
  start(events: ChannelTransportEvents): void;
  /** False when the frame could not be written (no open socket). */
  send(frame: ChannelFrameOut): boolean;
  /** No event follows. */
  stop(): void;
}
