import type { Duplex } from "node:stream";
import { nanoid } from "nanoid";
import type { WebSocket } from "ws";
import {
  CLOSE_CODES,
  defaultMessage,
  type ErrorCode,
  FRAME_BURST,
  FRAME_RATE_PER_SECOND,
  MAX_BUFFERED_BYTES,
  RATE_BURST,
  RATE_PER_SECOND,
  type ServerFrame,
  SLOW_CONSUMER_KILL_MS,
} from "../protocol";
import type { ChannelFollower } from "./local-channel";
import type { Watched } from "./liveness";
import { RoomMember } from "./member";
import { TokenBucket } from "./rate-limit";
import { directSocket, TextFrame } from "./text-frame";
import { tickMark, writeInTick } from "../io/tick-cork";
import { metrics } from "../observability/metrics";

/** What the route learned from the upgrade request, before the socket existed. */
export type ConnectionContext = {
  /** Seat tokens from the request's cookies, by room id. */
  seats: ReadonlyMap<string, string>;
  /** The client address every per-address limit keys on (lib/server/client-address.ts). */
  address: string;
  /** The upgrade request as the channel middleware sees it (lib/channels/access.ts). */
  request: () => Request;
};

/**
 * One WebSocket: its identity once joined, what it has been sent (`lastId`), and the guards that
 * protect the instance from it (frame budget, message rate limit, slow-consumer cut-off, and the
 * liveness fields the hub's sweep reads).
 */
export class Connection extends RoomMember implements Watched, ChannelFollower {
  readonly id = nanoid(12);
  lastTypingAt = 0;
  /** Frames are handled one after another, in the order they arrived. */
  queue: Promise<void> = Promise.resolve();
  readonly openedAt = Date.now();
  lastPingAt = this.openedAt;
  unansweredSince = 0;
  /** Set by what admits a connection other than a room join (channel subscriptions). */
  private admittedElsewhere = false;
  /** The channels this connection follows (created on its first subscribe). */
  private followed: Set<string> | undefined;
  private readonly bucket = new TokenBucket(RATE_PER_SECOND, RATE_BURST);
  private readonly frameBudget = new TokenBucket(FRAME_RATE_PER_SECOND, FRAME_BURST);
  /** Where framed buffers are written, or undefined to go through `ws.send`. */
  private readonly socket: Duplex | undefined;
  /** The frames of one tick (a batch of notices, a join's replies) leave in one write. */
  private readonly writes = tickMark();

  constructor(
    readonly ws: WebSocket,
    readonly context: ConnectionContext,
    /** Called when the connection is cut as a slow consumer: it leaves its room at once. */
    private readonly onCut: () => void = () => {},
  ) {
    super();
    this.socket = directSocket(ws);
  }

  /** Every client frame spends one token, before it is even parsed. */
  allowFrame(): boolean {
    return this.frameBudget.take();
  }

  allowMessage(): boolean {
    return this.bucket.take();
  }

  /**
   * Ever admitted to anything: the join timeout (4002) no longer applies. A connection leaves its
   * room only by closing, so "joined" now means it has been joined.
   */
  get admitted(): boolean {
    return this.admittedElsewhere || this.state === "joined";
  }

  markAdmitted(): void {
    this.admittedElsewhere = true;
  }

  /** Whether it ever subscribed (reading `channels` would create its set). */
  get followsChannels(): boolean {
    return this.followed !== undefined;
  }

  get channels(): Set<string> {
    return (this.followed ??= new Set());
  }

  channelEnded(channel: string): void {
    this.followed?.delete(channel);
  }

  get socketOpen(): boolean {
    return this.ws.readyState === this.ws.OPEN;
  }

  ping(): void {
    this.ws.ping();
  }

  terminate(): void {
    // No close frame: the peer (and the metric) see an abnormal closure.
    metrics().closes.inc({ code: 1006 });
    this.ws.terminate();
  }

  push(frame: ServerFrame, wire?: TextFrame): void {
    if (this.state === "closed" || this.ws.readyState !== this.ws.OPEN) return;
    const out = wire ?? TextFrame.of(frame);
    if (this.socket) writeInTick(this.socket, out.bytes, this.writes);
    else this.ws.send(out.json);
    if (this.ws.bufferedAmount > MAX_BUFFERED_BYTES) this.cutSlowConsumer();
  }

  sendError(code: ErrorCode, message = defaultMessage(code), nonce?: string, channel?: string): void {
    metrics().errorFrames.inc({ code });
    this.push({
      type: "error",
      code,
      message,
      ...(nonce !== undefined ? { nonce } : {}),
      ...(channel !== undefined ? { channel } : {}),
    });
  }

  close(code: number, reason = ""): void {
    if (this.ws.readyState === this.ws.CLOSED || this.ws.readyState === this.ws.CLOSING) return;
    metrics().closes.inc({ code });
    this.ws.close(code, reason);
  }

  /** The close frame queues behind the unsent data; the TCP connection goes if it never drains. */
  private cutSlowConsumer(): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    metrics().slowConsumerCuts.inc();
    metrics().closes.inc({ code: CLOSE_CODES.slowConsumer });
    this.ws.close(CLOSE_CODES.slowConsumer, "slow consumer");
    this.onCut();
    const timer = setTimeout(() => this.ws.terminate(), SLOW_CONSUMER_KILL_MS);
    timer.unref();
    this.ws.once("close", () => clearTimeout(timer));
  }
}
