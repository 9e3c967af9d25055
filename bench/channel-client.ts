import WebSocket from "ws";
import { z } from "zod";
import { parseServerFrame, type ServerFrame } from "../lib/protocol";
import { type Arrival, closeSocket, handshake } from "./client";
import { now } from "./time";

export type SubscribeSpec = { url: string; channel: string; cookie?: string; timeoutMs?: number };

/** The bench's events carry their tag in the text of an `announcement.posted` (lib/app-realtime.ts). */
const tagged = z.object({ text: z.string() });

/**
 * A WebSocket that follows one channel (no join), for measuring: every frame is validated with the
 * contract's parser and live events are stamped with their arrival time, keyed by the tag their
 * data carries.
 */
export class ChannelSubscriber {
  readonly arrivals: Arrival[] = [];
  readonly errors: string[] = [];
  invalid = 0;
  private onBacklog: (() => void) | undefined;

  private constructor(
    readonly ws: WebSocket,
    readonly channel: string,
  ) {
    ws.on("message", (data) => this.onData(data.toString()));
  }

  /** Connects, subscribes and resolves once the (empty) backlog arrived. */
  static subscribe(spec: SubscribeSpec): Promise<ChannelSubscriber> {
    const ws = new WebSocket(spec.url, spec.cookie ? { headers: { cookie: spec.cookie } } : {});
    const client = new ChannelSubscriber(ws, spec.channel);
    return handshake(ws, {
      what: `subscribe to ${spec.channel}`,
      until: "the backlog",
      timeoutMs: spec.timeoutMs,
      first: { type: "subscribe", channel: spec.channel, history: 0 },
      ready: (done) => (client.onBacklog = done),
    }).then(() => client);
  }

  /** Live events whose tag starts with `prefix`, in arrival order. */
  tagged(prefix: string): Arrival[] {
    return this.arrivals.filter((a) => a.nonce?.startsWith(prefix));
  }

  close(): Promise<void> {
    return closeSocket(this.ws);
  }

  private onData(text: string): void {
    const at = now();
    const parsed = parseServerFrame(text);
    if (!parsed.ok) {
      this.invalid++;
      return;
    }
    this.onFrame(parsed.frame, at);
  }

  private onFrame(frame: ServerFrame, at: number): void {
    if (frame.type === "events" && frame.channel === this.channel) this.onBacklog?.();
    else if (frame.type === "event" && frame.channel === this.channel) {
      const data = tagged.safeParse(frame.data);
      this.arrivals.push({ id: frame.id, nonce: data.success ? data.data.text : undefined, at });
    } else if (frame.type === "error") this.errors.push(frame.code);
  }
}
