import { CLOSE_CODES, parseServerFrame, type ClientFrameInput, type ServerFrame } from "../protocol";

/**
 * One WebSocket attempt: frames in (validated) and out, a deadline for the `joined` frame, and a
 * ping watchdog once joined. It never reconnects; RoomSession opens the next one.
 */

export type SocketLike = {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
};

export type ConnectionTimings = {
  pingIntervalMs: number;
  /** No frame at all this long after a ping: the connection is dead. */
  pongTimeoutMs: number;
  /** No `joined` this long after opening the socket: give up on this attempt. */
  connectTimeoutMs: number;
};

/** What RoomSession needs of a connection, over a WebSocket or the SSE + POST fallback (fallback.ts). */
export interface RoomTransport {
  readonly isJoined: boolean;
  /** False when the frame could not be written. */
  send(frame: ClientFrameInput): boolean;
  /** Ends it without a `closed` event. */
  close(): void;
}

export type ConnectionEvents = {
  open(): void;
  frame(frame: ServerFrame): void;
  /** The socket is gone (closed by the server, or dropped here as dead). Not called after close(). */
  closed(code: number): void;
};

const OPEN = 1;
/** What the browser reports for a connection that ended without a close frame. */
const ABNORMAL_CLOSURE = 1006;
/** Private-use close code for a socket this side gave up on. */
const GAVE_UP = 4000;

export class Connection implements RoomTransport {
  private joined = false;
  private connectTimer: ReturnType<typeof setTimeout> | undefined;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private deadTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly ws: SocketLike,
    private readonly timings: ConnectionTimings,
    private readonly events: ConnectionEvents,
    /** "open" for a socket that only follows channels: it is ready (and pinged) once open, no `joined` comes. */
    readyOn: "joined" | "open" = "joined",
  ) {
    this.connectTimer = setTimeout(() => this.drop("connect timeout"), timings.connectTimeoutMs);
    ws.onopen = () => {
      if (readyOn === "open") this.onJoined();
      events.open();
    };
    ws.onmessage = (ev) => this.onData(typeof ev.data === "string" ? ev.data : String(ev.data));
    ws.onclose = (ev) => {
      this.release();
      events.closed(ev.code);
    };
    ws.onerror = () => {
      // A close event follows.
    };
  }

  /** True between the `joined` frame (or the open, see `readyOn`) and the end of this socket. */
  get isJoined(): boolean {
    return this.joined;
  }

  send(frame: ClientFrameInput): boolean {
    if (this.ws.readyState !== OPEN) return false;
    try {
      this.ws.send(JSON.stringify(frame));
      return true;
    } catch {
      return false;
    }
  }

  /** Closes without waiting for the handshake; no `closed` event follows. */
  close(code: number = CLOSE_CODES.normal, reason = "bye"): void {
    this.release();
    const ws = this.ws;
    ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
    try {
      ws.close(code, reason);
    } catch {
      // Already closed.
    }
  }

  private release(): void {
    this.joined = false;
    clearTimeout(this.connectTimer);
    clearInterval(this.pingTimer);
    clearTimeout(this.deadTimer);
    this.connectTimer = this.pingTimer = this.deadTimer = undefined;
  }

  private drop(reason: string): void {
    this.close(GAVE_UP, reason);
    this.events.closed(ABNORMAL_CLOSURE);
  }

  private onData(data: string): void {
    clearTimeout(this.deadTimer);
    this.deadTimer = undefined;
    const parsed = parseServerFrame(data);
    if (!parsed.ok) {
      console.warn(`[flare] ignored a frame from the server: ${parsed.message}`);
      return;
    }
    if (parsed.frame.type === "joined") this.onJoined();
    this.events.frame(parsed.frame);
  }

  private onJoined(): void {
    this.joined = true;
    clearTimeout(this.connectTimer);
    clearInterval(this.pingTimer);
    this.connectTimer = undefined;
    this.pingTimer = setInterval(this.ping, this.timings.pingIntervalMs);
  }

  private ping = (): void => {
    if (!this.send({ type: "ping" })) return;
    this.deadTimer ??= setTimeout(() => this.drop("no pong"), this.timings.pongTimeoutMs);
  };
}
