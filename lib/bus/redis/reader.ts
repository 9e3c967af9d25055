import type Redis from "ioredis";
import { compareIds, isMessageId } from "../../protocol";
import { backoffMs, createReaderClient } from "../../redis/client";
import { CONTROL_STREAM, roomKeys } from "../../redis/keys";
import type { RoomEvent, RoomListener } from "../types";
import { decodeEvent, decodeMessage } from "./codec";

/**
 * The instance's one blocking reader: a single `XREAD BLOCK … STREAMS` loop over the message and
 * events streams of every room with a local subscription, plus the global control stream
 * (`destroyed`). It runs on its own (duplicated) connection, starts with the first subscription and
 * stops after the last.
 *
 * Redis Cluster: one XREAD cannot name keys of different hash slots, and every room (and the
 * control stream) has its own slot, so this loop only works against a single Redis (or a cluster
 * proxy that splits multi-slot XREADs). Scaling to Cluster would need one reader per shard; not
 * attempted here.
 *
 * Guarantees:
 * - each room's messages reach its listeners once, strictly in stream-id order, this instance's own
 *   appends included (the hub relies on the bus for those too);
 * - events (typing / presence / destroyed) published by this instance are never delivered back;
 * - a subscription added while the read is blocked wakes it at once (`CLIENT UNBLOCK` from the
 *   command connection), it never waits out the block timeout;
 * - after every reconnect of the reader connection the message cursors are verified: a stream that
 *   vanished or no longer holds the cursor entry (Redis restarted empty, failover, or the room ran
 *   past the retained window while we were away) gets its cursor set back to "0-0" and its
 *   listeners' `reset()` called.
 */

export type ReaderOptions = {
  /** The command connection: duplicated for the reader, and used to send CLIENT UNBLOCK. */
  command: Redis;
  instanceId: string;
  blockMs?: number;
  count?: number;
};

type Sub = { afterId: string; listener: RoomListener };

type ReaderRoom = {
  room: string;
  messagesKey: string;
  eventsKey: string;
  /** Id of the last message entry read (or the lowest subscription cursor). */
  cursor: string;
  /** Id of the last events entry read; undefined until resolved to the stream's current end. */
  eventsCursor: string | undefined;
  /** Bumped when the cursor moves back (a subscription with an older cursor): in-flight reads are void. */
  epoch: number;
  subs: Set<Sub>;
};

type ReadTarget = { kind: "messages" | "events"; room: ReaderRoom; epoch: number } | { kind: "control" };

class ReaderLost extends Error {
  constructor() {
    super("reader connection lost");
  }
}

const ZERO = "0-0";
/** How long a reset waits for the command connection to be back (see verifyCursors). */
const RESET_WAIT_MS = 3000;

export class StreamReader {
  private readonly rooms = new Map<string, ReaderRoom>();
  private readonly command: Redis;
  private readonly instanceId: string;
  private readonly blockMs: number;
  private readonly count: number;
  private conn: Redis | undefined;
  private running = false;
  private loopDone: Promise<void> = Promise.resolve();
  private closed = false;
  /** Bumped on every `ready` of the reader connection. */
  private generation = 0;
  private checkedGeneration = 0;
  private idGeneration = -1;
  private readerId: number | undefined;
  private controlCursor: string | undefined;
  /** Sequence number of the XREAD currently blocked (0: none). */
  private blockedSeq = 0;
  private readSeq = 0;
  private unblockingSeq = 0;
  /** Rejects when the reader connection closes, abandoning whatever it had in flight. */
  private lost!: { promise: Promise<never>; reject: (e: Error) => void };
  private readonly waiters = new Set<() => void>();
  private readonly syncWaiters = new Set<() => void>();
  private errorLogged = false;

  constructor(options: ReaderOptions) {
    this.command = options.command;
    this.instanceId = options.instanceId;
    this.blockMs = options.blockMs ?? 5000;
    this.count = options.count ?? 200;
    this.renewLost();
  }

  get active(): boolean {
    return this.running;
  }

  subscribe(room: string, afterId: string, listener: RoomListener): () => void {
    if (this.closed) return () => {};
    const cursor = isMessageId(afterId) ? afterId : ZERO;
    let r = this.rooms.get(room);
    if (!r) {
      const keys = roomKeys(room);
      r = {
        room,
        messagesKey: keys.messages,
        eventsKey: keys.events,
        cursor,
        eventsCursor: undefined,
        epoch: 0,
        subs: new Set(),
      };
      this.rooms.set(room, r);
    } else if (compareIds(cursor, r.cursor) < 0) {
      r.cursor = cursor;
      r.epoch++;
    }
    const sub: Sub = { afterId: cursor, listener };
    r.subs.add(sub);
    const target = r;
    this.start();
    this.wake();
    return () => {
      if (!target.subs.delete(sub)) return;
      if (target.subs.size > 0 || this.rooms.get(room) !== target) return;
      this.rooms.delete(room);
      if (this.rooms.size === 0) this.wake();
    };
  }

  /**
   * Resolves once the reader is in step with the Redis it is connected to for `room` (or after
   * `timeoutMs`): right away normally; while the reader is reconnecting, after it has verified its
   * cursors (and reset the listeners of logs that went away). History for a join read before that
   * could come from a restarted, empty Redis while the room's live feed still follows the old one.
   */
  async settled(room: string, timeoutMs: number): Promise<void> {
    if (!this.rooms.has(room) || this.inSync()) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.syncWaiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      timer.unref();
      this.syncWaiters.add(done);
    });
  }

  private inSync(): boolean {
    return this.closed || (this.conn?.status === "ready" && this.checkedGeneration === this.generation);
  }

  /** Stops the loop and closes the reader connection (bounded). */
  async close(timeoutMs = 1000): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.rooms.clear();
    for (const w of [...this.waiters, ...this.syncWaiters]) w();
    this.wake();
    this.conn?.disconnect();
    await Promise.race([this.loopDone, sleep(timeoutMs)]);
  }

  // ---- the loop -------------------------------------------------------------------------------

  /** Idempotent and synchronous: at most one loop runs. */
  private start(): void {
    if (this.running || this.closed || this.rooms.size === 0) return;
    this.running = true;
    this.loopDone = this.loop();
  }

  private connection(): Redis {
    if (!this.conn) {
      const conn = createReaderClient(this.command, `flare-reader:${this.instanceId}`);
      conn.on("ready", () => {
        this.generation++;
      });
      conn.on("close", () => {
        this.readerId = undefined;
        this.renewLost();
      });
      this.conn = conn;
    }
    return this.conn;
  }

  private renewLost(): void {
    const previous = this.lost;
    let reject!: (e: Error) => void;
    const promise = new Promise<never>((_, r) => (reject = r));
    promise.catch(() => {});
    this.lost = { promise, reject };
    previous?.reject(new ReaderLost());
  }

  /** Races a reader command against the connection closing (commands in flight then never settle). */
  private guard<T>(p: Promise<T>): Promise<T> {
    return Promise.race([p, this.lost.promise]);
  }

  private async loop(): Promise<void> {
    const conn = this.connection();
    let failures = 0;
    try {
      while (!this.closed && this.rooms.size > 0) {
        try {
          await this.ready(conn);
          if (this.closed || this.rooms.size === 0) break;
          await this.prepare(conn);
          if (this.closed || this.rooms.size === 0) break;
          await this.readOnce(conn);
          failures = 0;
          this.errorLogged = false;
        } catch (e) {
          if (this.closed) break;
          if (e instanceof ReaderLost) continue; // `ready()` waits for the reconnect
          failures++;
          if (!this.errorLogged) {
            this.errorLogged = true;
            console.error(`[redis] reader: ${e instanceof Error ? e.message : String(e)}; retrying`);
          }
          await this.pause(backoffMs(failures));
        }
      }
    } finally {
      // Synchronous with the loop's last check of `rooms`: a subscribe after this starts a new loop.
      this.running = false;
    }
  }

  /** Resolves when the reader connection is ready (or the reader closes). */
  private ready(conn: Redis): Promise<void> {
    if (conn.status === "ready") return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        conn.off("ready", done);
        this.waiters.delete(done);
        resolve();
      };
      conn.on("ready", done);
      this.waiters.add(done);
    });
  }

  private pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
    });
  }

  /** Per connection: learn its client id, verify cursors; per new room: find the events stream's end. */
  private async prepare(conn: Redis): Promise<void> {
    if (this.idGeneration !== this.generation || this.readerId === undefined) {
      const id = await this.guard(conn.call("CLIENT", "ID"));
      this.readerId = typeof id === "number" ? id : Number(id);
      this.idGeneration = this.generation;
    }
    if (this.checkedGeneration !== this.generation) {
      const generation = this.generation;
      await this.verifyCursors(conn);
      this.checkedGeneration = generation;
      if (this.inSync()) for (const w of [...this.syncWaiters]) w();
    }
    await this.resolveEventCursors(conn);
  }

  private async readOnce(conn: Redis): Promise<void> {
    const keys: string[] = [];
    const ids: string[] = [];
    const targets = new Map<string, ReadTarget>();
    // A room subscribed while `prepare` ran: loop once more to resolve its events cursor first.
    for (const r of this.rooms.values()) if (r.eventsCursor === undefined) return;
    for (const r of this.rooms.values()) {
      if (r.eventsCursor === undefined) continue;
      keys.push(r.messagesKey, r.eventsKey);
      ids.push(r.cursor, r.eventsCursor);
      targets.set(r.messagesKey, { kind: "messages", room: r, epoch: r.epoch });
      targets.set(r.eventsKey, { kind: "events", room: r, epoch: r.epoch });
    }
    keys.push(CONTROL_STREAM);
    ids.push(this.controlCursor ?? ZERO);
    targets.set(CONTROL_STREAM, { kind: "control" });

    const generation = this.generation;
    const seq = ++this.readSeq;
    this.blockedSeq = seq;
    let reply: unknown;
    try {
      // The typed method, not `call("XREAD")`: only it gets ioredis's stream reply transformer.
      reply = await this.guard(conn.xread("COUNT", this.count, "BLOCK", this.blockMs, "STREAMS", ...keys, ...ids));
    } finally {
      if (this.blockedSeq === seq) this.blockedSeq = 0;
    }
    // A reconnect happened under this read: verify the cursors before trusting anything.
    if (generation !== this.generation || this.closed) return;
    if (reply === null || reply === undefined) return;
    const streams = streamsOf(reply);
    // Never spin on a reply we cannot read: the loop backs off instead.
    if (!streams) throw new Error("unexpected XREAD reply shape");
    this.dispatch(streams, targets);
  }

  private dispatch(streams: [string, unknown[]][], targets: Map<string, ReadTarget>): void {
    for (const [key, entries] of streams) {
      const target = targets.get(key);
      if (!target) continue;
      if (target.kind === "control") this.dispatchControl(entries);
      else if (this.rooms.get(target.room.room) === target.room && target.room.epoch === target.epoch) {
        if (target.kind === "messages") this.dispatchMessages(target.room, entries);
        else this.dispatchEvents(target.room, entries);
      }
    }
  }

  private dispatchMessages(r: ReaderRoom, entries: unknown[]): void {
    for (const entry of entries) {
      if (!Array.isArray(entry) || typeof entry[0] !== "string" || !isMessageId(entry[0])) continue;
      const id = entry[0];
      if (compareIds(id, r.cursor) <= 0) {
        // XREAD never does this; if a server ever did, treat it as a log that went backwards.
        this.checkedGeneration = -1;
        return;
      }
      r.cursor = id;
      const message = decodeMessage(r.room, id, entry[1]);
      if (!message) continue;
      for (const sub of [...r.subs]) {
        if (compareIds(id, sub.afterId) <= 0) continue;
        sub.afterId = id;
        safely(() => sub.listener.message(message));
      }
    }
  }

  private dispatchEvents(r: ReaderRoom, entries: unknown[]): void {
    for (const entry of entries) {
      if (!Array.isArray(entry) || typeof entry[0] !== "string") continue;
      r.eventsCursor = entry[0];
      const decoded = decodeEvent(entry[1]);
      if (!decoded || decoded.origin === this.instanceId || decoded.event.room !== r.room) continue;
      this.deliverEvent(r, decoded.event);
    }
  }

  private dispatchControl(entries: unknown[]): void {
    for (const entry of entries) {
      if (!Array.isArray(entry) || typeof entry[0] !== "string") continue;
      this.controlCursor = entry[0];
      const decoded = decodeEvent(entry[1]);
      if (!decoded || decoded.origin === this.instanceId) continue;
      const r = this.rooms.get(decoded.event.room);
      if (r) this.deliverEvent(r, decoded.event);
    }
  }

  private deliverEvent(r: ReaderRoom, event: RoomEvent): void {
    for (const sub of [...r.subs]) safely(() => sub.listener.event(event));
  }

  // ---- cursors --------------------------------------------------------------------------------

  /**
   * After a (re)connect: a message cursor whose entry the stream no longer holds means the log went
   * away or backwards → cursor "0-0" and `reset()`. Events / control cursors past the stream's end
   * (or on a missing stream) restart at "0-0": anything there now is new.
   */
  private async verifyCursors(conn: Redis): Promise<void> {
    const rooms = [...this.rooms.values()];
    const snapshot = rooms.map((r) => ({ r, cursor: r.cursor, eventsCursor: r.eventsCursor, epoch: r.epoch }));
    const pipe = conn.pipeline();
    for (const s of snapshot) {
      pipe.xrange(s.r.messagesKey, s.cursor === ZERO ? "-" : s.cursor, s.cursor === ZERO ? "+" : s.cursor, "COUNT", 1);
      pipe.xrevrange(s.r.eventsKey, "+", "-", "COUNT", 1);
    }
    pipe.xrevrange(CONTROL_STREAM, "+", "-", "COUNT", 1);
    const results = (await this.guard(pipe.exec())) ?? [];
    const lastId = (i: number): string | undefined => {
      const [err, value] = results[i] ?? [];
      if (err) throw err;
      const first = Array.isArray(value) ? (value[0] as unknown) : undefined;
      return Array.isArray(first) && typeof first[0] === "string" ? first[0] : undefined;
    };
    const resets: ReaderRoom[] = [];
    snapshot.forEach((s, i) => {
      const found = lastId(2 * i);
      const eventsEnd = lastId(2 * i + 1);
      const { r } = s;
      if (this.rooms.get(r.room) !== r) return;
      if (r.eventsCursor !== undefined && s.eventsCursor !== undefined && past(s.eventsCursor, eventsEnd)) {
        r.eventsCursor = ZERO;
      }
      if (s.cursor === ZERO || found !== undefined || r.cursor !== s.cursor || r.epoch !== s.epoch) return;
      r.cursor = ZERO;
      r.epoch++;
      for (const sub of r.subs) sub.afterId = ZERO;
      resets.push(r);
    });
    const controlEnd = lastId(2 * snapshot.length);
    if (this.controlCursor !== undefined && past(this.controlCursor, controlEnd)) this.controlCursor = ZERO;
    if (resets.length === 0) return;
    // A listener answers reset() by reading history through the command connection: give that
    // connection (which reconnects on its own schedule) a moment to be back first.
    await this.commandReady(RESET_WAIT_MS);
    for (const r of resets) for (const sub of [...r.subs]) safely(() => sub.listener.reset());
  }

  private commandReady(timeoutMs: number): Promise<void> {
    if (this.command.status === "ready") return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.command.off("ready", done);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.command.on("ready", done);
      this.waiters.add(done);
    });
  }

  /** New rooms (and the control stream, once) start reading events at the stream's current end. */
  private async resolveEventCursors(conn: Redis): Promise<void> {
    const pending = [...this.rooms.values()].filter((r) => r.eventsCursor === undefined);
    const control = this.controlCursor === undefined;
    if (pending.length === 0 && !control) return;
    const pipe = conn.pipeline();
    for (const r of pending) pipe.xrevrange(r.eventsKey, "+", "-", "COUNT", 1);
    if (control) pipe.xrevrange(CONTROL_STREAM, "+", "-", "COUNT", 1);
    const results = (await this.guard(pipe.exec())) ?? [];
    const end = (i: number): string => {
      const [err, value] = results[i] ?? [];
      if (err) throw err;
      const first = Array.isArray(value) ? (value[0] as unknown) : undefined;
      return Array.isArray(first) && typeof first[0] === "string" ? first[0] : ZERO;
    };
    pending.forEach((r, i) => {
      if (r.eventsCursor === undefined) r.eventsCursor = end(i);
    });
    if (control && this.controlCursor === undefined) this.controlCursor = end(pending.length);
  }

  // ---- waking ---------------------------------------------------------------------------------

  /**
   * Ends the blocked XREAD now so the next one includes the current rooms. CLIENT UNBLOCK answers 0
   * when the XREAD has not reached the server yet; it is retried briefly until the read returns.
   */
  private wake(): void {
    const seq = this.blockedSeq;
    if (seq === 0 || this.unblockingSeq === seq) return;
    this.unblockingSeq = seq;
    const attempt = (n: number) => {
      const id = this.readerId;
      if (this.blockedSeq !== seq || id === undefined) return;
      this.command.call("CLIENT", "UNBLOCK", id).then(
        (unblocked) => {
          if (unblocked !== 1 && this.blockedSeq === seq && n < 100) setTimeout(() => attempt(n + 1), 5).unref();
        },
        () => {
          // The command connection is down; the read ends by its own timeout.
        },
      );
    };
    attempt(0);
  }
}

/**
 * XREAD's reply as [key, entries] pairs: the RESP2 shape `[[key, entries], …]`, or a RESP3 map
 * flattened to `[key, entries, key, entries, …]` (what a raw `call` would give). Undefined when it
 * is neither.
 */
function streamsOf(reply: unknown): [string, unknown[]][] | undefined {
  if (!Array.isArray(reply)) return undefined;
  const out: [string, unknown[]][] = [];
  if (reply.every((s) => Array.isArray(s) && typeof s[0] === "string" && Array.isArray(s[1]))) {
    for (const s of reply as [string, unknown[]][]) out.push([s[0], s[1]]);
    return out;
  }
  if (reply.length % 2 !== 0) return undefined;
  for (let i = 0; i < reply.length; i += 2) {
    const key: unknown = reply[i];
    const entries: unknown = reply[i + 1];
    if (typeof key !== "string" || !Array.isArray(entries)) return undefined;
    out.push([key, entries]);
  }
  return out;
}

/** True when `cursor` lies beyond the stream's end (or the stream is gone). */
function past(cursor: string, end: string | undefined): boolean {
  if (cursor === ZERO) return false;
  return end === undefined || compareIds(end, cursor) < 0;
}

function safely(fn: () => void): void {
  try {
    fn();
  } catch (e) {
    console.error("[bus] listener failed:", e);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}
