import WebSocket from "ws";
import { parseServerFrame, type ClientFrameInput, type ServerFrame, type ServerFrameOf } from "../../lib/protocol";

type JoinSpec = { room?: string; clientId: string; name?: string; since?: string };
type Waiter = { match: (f: ServerFrame) => boolean; resolve: (f: ServerFrame) => void };

/**
 * clientId → the clientToken a `joined` frame gave it, for this test process: a later join with that
 * clientId carries it, as the tab that owns it would (protocol v1.1 rule 1). A token for a clientId
 * the server does not know (another test's server) binds it again, so sharing across tests is safe.
 */
const clientTokens = new Map<string, string>();

/** The token this process holds for `clientId` (from an earlier `joined`), if any. */
export function clientTokenOf(clientId: string): string | undefined {
  return clientTokens.get(clientId);
}

/**
 * A raw WebSocket client that speaks the contract: every server frame is validated with the
 * contract's schemas (an invalid frame fails the test), kept in `frames`, and can be awaited.
 */
export class TestClient {
  readonly frames: ServerFrame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly waiters = new Set<Waiter>();
  private cursor = 0;
  invalid: string[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on("message", (data) => {
      const parsed = parseServerFrame(data.toString());
      if (!parsed.ok) {
        this.invalid.push(`${parsed.message}: ${data.toString().slice(0, 200)}`);
        return;
      }
      this.frames.push(parsed.frame);
      if (parsed.frame.type === "joined") clientTokens.set(parsed.frame.clientId, parsed.frame.clientToken);
      for (const w of this.waiters)
        if (w.match(parsed.frame)) {
          this.waiters.delete(w);
          w.resolve(parsed.frame);
        }
    });
    this.closed = new Promise((resolve) =>
      ws.on("close", (code, reason) => resolve({ code, reason: reason.toString() })),
    );
  }

  static connect(
    url: string,
    /** `autoPong: false`: the socket ignores the server's pings, like a peer that dropped off the network. */
    opts: { origin?: string; cookie?: string; headers?: Record<string, string>; autoPong?: boolean } = {},
  ): Promise<TestClient> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.cookie) headers.cookie = opts.cookie;
    const ws = new WebSocket(url, {
      headers,
      ...(opts.origin ? { origin: opts.origin } : {}),
      ...(opts.autoPong === false ? { autoPong: false } : {}),
    });
    const client = new TestClient(ws);
    return new Promise((resolve, reject) => {
      ws.once("open", () => resolve(client));
      ws.once("error", reject);
      ws.once("unexpected-response", (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
  }

  /** Connects and joins; resolves once the history frame arrived. */
  static async join(
    url: string,
    join: JoinSpec,
    opts: { cookie?: string; autoPong?: boolean } = {},
  ): Promise<TestClient> {
    return (await TestClient.joinWithHistory(url, join, opts)).client;
  }

  /** Connects and joins; resolves with the client and the history frame it was sent. */
  static async joinWithHistory(
    url: string,
    join: JoinSpec,
    opts: { cookie?: string; autoPong?: boolean } = {},
  ): Promise<{ client: TestClient; history: ServerFrameOf<"history"> }> {
    const client = await TestClient.connect(url, opts);
    client.send({
      type: "join",
      room: join.room ?? "lobby",
      clientId: join.clientId,
      name: join.name ?? join.clientId,
      ...(join.since ? { since: join.since } : {}),
    });
    return { client, history: await client.next("history") };
  }

  /**
   * A `join` without a `clientToken` key gets the token held for its clientId; to join without one
   * on purpose, pass the key explicitly (`clientToken: undefined` sends none).
   */
  send(frame: ClientFrameInput | Record<string, unknown>): void {
    const token =
      frame.type === "join" && !("clientToken" in frame) ? clientTokens.get(String(frame.clientId)) : undefined;
    this.ws.send(JSON.stringify(token === undefined ? frame : { ...frame, clientToken: token }));
  }

  sendRaw(data: string | Buffer, binary = false): void {
    this.ws.send(data, { binary });
  }

  /** The next frame of `type` not yet consumed by `next` (frames already received count). */
  async next<T extends ServerFrame["type"]>(type: T, timeoutMs = 5000): Promise<ServerFrameOf<T>> {
    for (; this.cursor < this.frames.length; this.cursor++) {
      const f = this.frames[this.cursor]!;
      if (f.type === type) {
        this.cursor++;
        return f as ServerFrameOf<T>;
      }
    }
    const f = await this.waitFor((x) => x.type === type, timeoutMs, `a "${type}" frame`, this.frames.length);
    this.cursor = this.frames.indexOf(f) + 1;
    return f as ServerFrameOf<T>;
  }

  /** The first frame (received already, from index `from` on, or later) that matches. */
  waitFor(
    match: (f: ServerFrame) => boolean,
    timeoutMs = 5000,
    what = "a matching frame",
    from = 0,
  ): Promise<ServerFrame> {
    const seen = this.frames.slice(from).find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        match,
        resolve: (f) => {
          clearTimeout(timer);
          resolve(f);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(
          new Error(
            `timed out after ${timeoutMs} ms waiting for ${what}; got: ${JSON.stringify(this.frames.slice(-8))}`,
          ),
        );
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /**
   * Resolves once the server answered a ping sent now (with no other ping in flight): whatever it
   * had written to this socket before it read the ping has arrived. The server answers pings at
   * once, not behind the connection's queued frames, so this orders against frames already sent,
   * not against the handling of this connection's earlier messages.
   */
  async sync(timeoutMs = 5000): Promise<void> {
    const from = this.frames.length;
    this.send({ type: "ping" });
    await this.waitFor((f) => f.type === "pong", timeoutMs, "the pong", from);
  }

  /** Live chat messages received (excluding history), in arrival order. */
  messages(filter: (m: ServerFrameOf<"message">["message"]) => boolean = () => true) {
    return this.frames
      .filter((f): f is ServerFrameOf<"message"> => f.type === "message")
      .map((f) => f.message)
      .filter(filter);
  }

  errors(): ServerFrameOf<"error">[] {
    return this.frames.filter((f): f is ServerFrameOf<"error"> => f.type === "error");
  }

  close(code?: number): Promise<{ code: number; reason: string }> {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(code);
    return this.closed;
  }

  terminate(): void {
    this.ws.terminate();
  }
}
