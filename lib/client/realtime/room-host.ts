import type { ServerFrame } from "../../protocol";
import type { Transport } from "../session";
import type { ChannelFrameOut, ChannelTransport, ChannelTransportEvents } from "./transport";

/** What the host needs of the room's session (lib/client/session.ts). */
export type HostSession = {
  readonly isJoined: boolean;
  readonly transport: Transport;
  /** Bumped for each new socket. */
  readonly currentGeneration: number;
  send(frame: ChannelFrameOut): boolean;
};

/**
 * Lets a ChannelClient follow channels over a room's WebSocket (one socket per tab): it
 * subscribes on each socket once that socket joined the room, and gets the channel frames. Over
 * the SSE fallback there is no socket to share: it waits, "reconnecting", for the next WebSocket.
 * The RoomClient tells it what its session does (`roomStatus`, `joined`, `ended`) and hands it
 * every frame first (`take`).
 */
export class RoomChannelHost implements ChannelTransport {
  private guest: ChannelTransportEvents | null = null;
  /** The socket the guest last subscribed on. */
  private generation = -1;

  constructor(private readonly session: HostSession) {}

  start(events: ChannelTransportEvents): void {
    this.guest = events;
    this.generation = -1;
    events.status("connecting");
    this.joined();
  }

  send(frame: ChannelFrameOut): boolean {
    return this.session.isJoined && this.session.transport === "websocket" && this.session.send(frame);
  }

  stop(): void {
    this.guest = null;
  }

  /** The room's socket is connecting or gone. */
  roomStatus(connecting: boolean): void {
    this.guest?.status(connecting && this.generation < 0 ? "connecting" : "reconnecting");
  }

  /** The room's socket joined: the guest subscribes on it (once per socket). */
  joined(): void {
    const guest = this.guest;
    const generation = this.session.currentGeneration;
    if (!guest || !this.session.isJoined || this.session.transport !== "websocket") return;
    if (generation === this.generation) return;
    this.generation = generation;
    guest.status("connected");
    guest.open();
  }

  ended(): void {
    this.guest?.status("disconnected");
  }

  /** True when `frame` belongs to the channel subscriptions (and was given to them), not to the room. */
  take(frame: ServerFrame): boolean {
    if (!isChannelFrame(frame)) return false;
    this.guest?.frame(frame);
    return true;
  }
}

function isChannelFrame(frame: ServerFrame): boolean {
  switch (frame.type) {
    case "subscribed":
    case "events":
    case "event":
    case "unsubscribed":
      return true;
    case "error":
      return frame.channel !== undefined;
    default:
      return false;
  }
}
