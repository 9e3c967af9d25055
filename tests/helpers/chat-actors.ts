import { addEntry, dueEntries, markWritten, refuse, removeEntry, type Outbox } from "../../lib/client/outbox";
import { compareIds, type ServerFrame } from "../../lib/protocol";
import { sleep } from "./wait";
import { TestClient } from "./ws-client";

/**
 * Chat participants that behave like the real client while Redis moves under them: they reconnect
 * when their socket closes, a sender resends what was not acknowledged with the same nonce, a
 * receiver resumes with `since`. They record what happened for the test to judge.
 */

type Seat = { url: string; room: string; clientId: string; cookie: string };

/** One socket at a time, reopened (and rejoined) whenever it closes, until `stop`. */
abstract class Participant {
  protected client: TestClient | undefined;
  private cursor = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  reconnects = 0;
  /** Why it stopped reconnecting (it tried for about 10 s), if it did. */
  gaveUp: string | undefined;
  /** Close codes the server ended this participant's sockets with. */
  readonly closeCodes: number[] = [];

  constructor(protected readonly seat: Seat) {}

  async start(): Promise<void> {
    await this.connect(false);
    this.timer = setInterval(() => this.tick(), 20);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.tick();
    await this.client?.close();
  }

  protected abstract joinSince(): string | undefined;
  protected abstract onFrame(f: ServerFrame): void;
  protected abstract onJoined(rejoined: boolean): void;

  private async connect(rejoined: boolean): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        const { client, history } = await this.join();
        this.client = client;
        this.cursor = client.frames.indexOf(history);
        void client.closed.then(({ code }) => this.onClose(client, code));
        this.tick();
        this.onJoined(rejoined);
        return;
      } catch (e) {
        if (this.stopped || attempt >= 100) throw e;
        await sleep(100); // the instance could not join us right now (Redis moving): as the client's backoff
      }
    }
  }

  /** Joins on a new socket; a refused join or a socket closed before the history closes it and throws. */
  private async join(): Promise<{ client: TestClient; history: ServerFrame }> {
    const client = await TestClient.connect(this.seat.url, { cookie: this.seat.cookie });
    const since = this.joinSince();
    const { room, clientId } = this.seat;
    client.send({ type: "join", room, clientId, name: clientId, ...(since ? { since } : {}) });
    try {
      const history = await Promise.race([
        client.next("history", 10_000),
        client.waitFor((f) => f.type === "error", 10_000).then((f) => Promise.reject(new Error(JSON.stringify(f)))),
        client.closed.then(({ code }) => Promise.reject(new Error(`closed with ${code} while joining`))),
      ]);
      return { client, history };
    } catch (e) {
      client.terminate();
      throw e;
    }
  }

  private onClose(client: TestClient, code: number): void {
    if (this.stopped || client !== this.client) return;
    this.drain(client);
    this.closeCodes.push(code);
    this.client = undefined;
    this.reconnects++;
    this.connect(true).catch((e: unknown) => (this.gaveUp = String(e)));
  }

  private tick(): void {
    if (this.client) this.drain(this.client);
  }

  private drain(client: TestClient): void {
    for (; this.cursor < client.frames.length; this.cursor++) this.onFrame(client.frames[this.cursor]!);
  }
}

/**
 * Sends messages with nonces through the real client's outbox (lib/client/outbox): a refused
 * message (unavailable, rate_limited) is resent with the same nonce after the client's delay, and
 * everything unacknowledged is resent on the next connection.
 */
export class ResendingSender extends Participant {
  /** nonce → the id its first ack carried. */
  readonly acked = new Map<string, string>();
  /** nonce → every id acks for it carried (a resend of a stored nonce must be acked with the first id). */
  readonly ackIds = new Map<string, Set<string>>();
  /** error code → how many times a message of this sender was refused with it. */
  readonly errors = new Map<string, number>();
  /** When the latest ack arrived (ms). */
  lastAckAt = 0;
  private outbox: Outbox = [];
  private generation = 0;
  private seq = 0;
  private flushTimer: NodeJS.Timeout | undefined;

  override async start(): Promise<void> {
    await super.start();
    this.flushTimer = setInterval(() => this.flush(), 50);
  }

  override async stop(): Promise<void> {
    clearInterval(this.flushTimer);
    await super.stop();
  }

  send(): string {
    const nonce = `${this.seat.clientId}-${++this.seq}`;
    this.outbox = addEntry(this.outbox, { nonce, text: `${nonce} says hi`, createdAt: Date.now(), status: "sending" });
    this.flush();
    return nonce;
  }

  /** Messages still to be stored. */
  get unacked(): number {
    return this.outbox.filter((e) => e.status === "sending").length;
  }

  /** Messages refused for good (their text); none is expected. */
  get failed(): string[] {
    return this.outbox.filter((e) => e.status === "failed").map((e) => e.text);
  }

  protected joinSince(): undefined {
    return undefined;
  }

  protected onJoined(): void {
    this.generation++;
    this.flush();
  }

  protected onFrame(f: ServerFrame): void {
    if (f.type === "ack") {
      this.lastAckAt = Date.now();
      this.outbox = removeEntry(this.outbox, f.nonce);
      if (!this.acked.has(f.nonce)) this.acked.set(f.nonce, f.id);
      this.ackIds.set(f.nonce, (this.ackIds.get(f.nonce) ?? new Set<string>()).add(f.id));
    } else if (f.type === "error" && f.nonce !== undefined) {
      this.errors.set(f.code, (this.errors.get(f.code) ?? 0) + 1);
      this.outbox = refuse(this.outbox, f.nonce, f.code, Date.now(), Math.random);
    }
  }

  private flush(): void {
    const c = this.client;
    if (!c || c.ws.readyState !== c.ws.OPEN) return;
    for (const e of dueEntries(this.outbox, this.generation, Date.now())) {
      c.send({ type: "message", text: e.text, nonce: e.nonce });
      this.outbox = markWritten(this.outbox, e.nonce, this.generation);
    }
  }
}

/**
 * Records the ids of the room's chat messages it is delivered, live or in a resumed history, in
 * arrival order. A history with reset:true (the room no longer holds the `since` it resumed from)
 * makes the real client replace what it had: what such a history adds (ids not seen before) is
 * kept apart in `fromResets`, so `ids` stays the sequence that must be strictly increasing.
 */
export class ResumingReceiver extends Participant {
  readonly ids: string[] = [];
  readonly fromResets: string[] = [];
  /** Histories with reset:true after the first join: the client was told to start over. */
  resets = 0;
  private lastId: string | undefined;
  private sawFirstHistory = false;

  protected joinSince(): string | undefined {
    return this.lastId;
  }

  protected onJoined(): void {}

  protected onFrame(f: ServerFrame): void {
    if (f.type === "message" && f.message.room === this.seat.room) this.take([f.message]);
    if (f.type !== "history") return;
    if (!this.sawFirstHistory) {
      // What the room held before the test's chat began: only a resume point.
      this.sawFirstHistory = true;
      this.lastId = f.messages.at(-1)?.id;
      return;
    }
    if (!f.reset) return this.take(f.messages);
    this.resets++;
    const seen = new Set([...this.ids, ...this.fromResets]);
    for (const m of f.messages) if (!m.system && !seen.has(m.id)) this.fromResets.push(m.id);
    this.lastId = f.messages.at(-1)?.id ?? this.lastId;
  }

  private take(messages: { id: string; system?: true }[]): void {
    for (const m of messages) {
      this.lastId = m.id;
      if (!m.system) this.ids.push(m.id);
    }
  }
}

/** Ids that occur more than once, and the first place where the order is not strictly increasing. */
export function judgeSequence(ids: string[]): { duplicates: string[]; outOfOrderAt: number | undefined } {
  const seen = new Set<string>();
  const duplicates = ids.filter((id) => (seen.has(id) ? true : (seen.add(id), false)));
  const i = ids.findIndex((id, k) => k > 0 && compareIds(ids[k - 1]!, id) >= 0);
  return { duplicates, outOfOrderAt: i < 0 ? undefined : i };
}
