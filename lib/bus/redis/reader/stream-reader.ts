import { once } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import type Redis from "ioredis";
import { backoffMs } from "../../../redis/client";
import type { LogEntry, TailListener } from "../../types";
import { ReaderConnection, ReaderLost } from "./connection";
import { resolveEventCursors, verifyCursors } from "./cursors";
import { type LogSpec, notifyReset, type ReadPlan, ReaderRegistry } from "./registry";
import { errorFields, log } from "../../../observability/log";

/**
 * The instance's one blocking reader: a single `XREAD BLOCK … STREAMS` loop over the message and
 * events streams of every room with a local tail, the event stream of every channel followed
 * here, plus the global control stream (`destroyed`).
 * It runs on its own (duplicated) connection, starts with the first tail and stops after the last.
 *
 * Redis Cluster: one XREAD cannot name keys of different hash slots, and every room (and the
 * control stream) has its own slot, so this loop only works against a single Redis.
 *
 * Guarantees:
 * - each room's messages reach its tails once, strictly in stream-id order, this instance's own
 *   appends included (the hub relies on the bus for those too);
 * - events published by this instance are never delivered back;
 * - a tail added while the read is blocked wakes it at once (`CLIENT UNBLOCK` from the command
 *   connection), it never waits out the block timeout;
 * - after every reconnect the message cursors are verified: a stream that vanished or no longer
 *   holds the cursor entry (Redis restarted empty, failover, or the room ran past the retained
 *   window while we were away) restarts at "0-0" and its tails' `reset()` is called.
 */

export type ReaderOptions = {
  /** The command connection: duplicated for the reader, and used to send CLIENT UNBLOCK. */
  command: Redis;
  instanceId: string;
  blockMs?: number;
  count?: number;
};

/** How long a reset waits for the command connection to be back before the tails re-read history. */
const RESET_WAIT_MS = 3000;

export class StreamReader {
  private readonly registry: ReaderRegistry;
  private readonly command: Redis;
  private readonly name: string;
  private readonly blockMs: number;
  private readonly count: number;
  /** Aborted by close(): ends every wait of the loop. */
  private readonly closing = new AbortController();
  /** Emits "synced" whenever the reader has verified its cursors against a fresh connection. */
  private readonly syncs = new EventTarget();
  private conn: ReaderConnection | undefined;
  private running = false;
  private loopDone: Promise<void> = Promise.resolve();
  private checkedGeneration = 0;
  /** Sequence number of the XREAD currently blocked (0: none). */
  private blockedSeq = 0;
  private readSeq = 0;
  private unblockingSeq = 0;
  private errorLogged = false;

  constructor(options: ReaderOptions) {
    this.command = options.command;
    this.name = `flare-reader:${options.instanceId}`;
    this.registry = new ReaderRegistry(options.instanceId);
    this.blockMs = options.blockMs ?? 5000;
    this.count = options.count ?? 200;
  }

  private get closed(): boolean {
    return this.closing.signal.aborted;
  }

  tail<T extends LogEntry>(log: LogSpec<T>, afterId: string, listener: TailListener<T>): () => void {
    if (this.closed) return () => {};
    const remove = this.registry.add(log, afterId, listener);
    this.start();
    this.wake();
    return () => {
      if (remove()) this.wake();
    };
  }

  /**
   * Resolves once the reader is in step with the Redis it is connected to (or after `timeoutMs`):
   * right away normally; while it reconnects, after it has verified its cursors (and reset the
   * tails of logs that went away). History read before that could come from a restarted, empty
   * Redis while the room's live tail still follows the old one.
   */
  async synced(key: string, timeoutMs: number): Promise<void> {
    if (!this.registry.rooms.has(key) || this.inSync()) return;
    const signal = AbortSignal.any([this.closing.signal, AbortSignal.timeout(timeoutMs)]);
    await once(this.syncs, "synced", { signal }).catch(() => {});
  }

  private inSync(): boolean {
    return this.closed || (this.conn?.ready === true && this.checkedGeneration === this.conn.generation);
  }

  /** Stops the loop and closes the reader connection (bounded). */
  async close(timeoutMs = 1000): Promise<void> {
    if (this.closed) return;
    this.closing.abort();
    this.registry.rooms.clear();
    this.wake();
    this.conn?.disconnect();
    await Promise.race([this.loopDone, sleep(timeoutMs, undefined, { ref: false })]);
  }

  /** Idempotent and synchronous: at most one loop runs. */
  private start(): void {
    if (this.running || this.closed || this.registry.rooms.size === 0) return;
    this.running = true;
    this.conn ??= new ReaderConnection(this.command, this.name);
    this.loopDone = this.loop(this.conn);
  }

  private async loop(conn: ReaderConnection): Promise<void> {
    const { signal } = this.closing;
    let failures = 0;
    try {
      while (!this.closed && this.registry.rooms.size > 0) {
        try {
          if (!conn.ready) await once(conn.client, "ready", { signal });
          if (this.closed || this.registry.rooms.size === 0) break;
          await this.prepare(conn);
          if (this.closed || this.registry.rooms.size === 0) break;
          await this.readOnce(conn);
          failures = 0;
          this.errorLogged = false;
        } catch (e) {
          if (this.closed) break;
          if (e instanceof ReaderLost) continue; // the next turn waits for the reconnect
          failures++;
          if (!this.errorLogged) {
            this.errorLogged = true;
            log().warn({ ...errorFields(e), reader: this.name }, "redis reader failed; retrying");
          }
          await sleep(backoffMs(failures), undefined, { signal }).catch(() => {});
        }
      }
    } finally {
      // Synchronous with the loop's last check of `rooms`: a tail added after this starts a new loop.
      this.running = false;
    }
  }

  /** Per connection: learn its id and verify the cursors; per new room: find the events stream's end. */
  private async prepare(conn: ReaderConnection): Promise<void> {
    await conn.id();
    if (this.checkedGeneration !== conn.generation) {
      const generation = conn.generation;
      const restarted = await verifyCursors(conn, this.registry);
      if (restarted.length > 0) {
        log().warn(
          { reader: this.name, rooms: restarted.length },
          "room logs restarted under the reader (Redis came back empty or failed over); readers get reset history",
        );
        // A tail answers reset() by reading history through the command connection, which
        // reconnects on its own schedule: give it a moment to be back first.
        await this.commandReady(RESET_WAIT_MS);
        for (const r of restarted) notifyReset(r);
      }
      this.checkedGeneration = generation;
      if (this.inSync()) this.syncs.dispatchEvent(new Event("synced"));
    }
    await resolveEventCursors(conn, this.registry);
  }

  private async commandReady(timeoutMs: number): Promise<void> {
    if (this.command.status === "ready") return;
    const signal = AbortSignal.any([this.closing.signal, AbortSignal.timeout(timeoutMs)]);
    await once(this.command, "ready", { signal }).catch(() => {});
  }

  private async readOnce(conn: ReaderConnection): Promise<void> {
    // A room added while `prepare` ran: loop once more to resolve its events cursor first.
    const plan: ReadPlan | undefined = this.registry.plan();
    if (!plan) return;
    const generation = conn.generation;
    const seq = ++this.readSeq;
    this.blockedSeq = seq;
    let reply: unknown;
    try {
      // The typed method, not `call("XREAD")`: only it gets ioredis's stream reply transformer.
      reply = await conn.guard(
        conn.client.xread("COUNT", this.count, "BLOCK", this.blockMs, "STREAMS", ...plan.keys, ...plan.ids),
      );
    } finally {
      if (this.blockedSeq === seq) this.blockedSeq = 0;
    }
    // A reconnect happened under this read: verify the cursors before trusting anything.
    if (generation !== conn.generation || this.closed) return;
    if (reply === null || reply === undefined) return;
    const streams = streamsOf(reply);
    // Never spin on a reply we cannot read: the loop backs off instead.
    if (!streams) throw new Error("unexpected XREAD reply shape");
    if (!this.registry.dispatch(streams, plan)) this.checkedGeneration = -1;
  }

  /** Ends the blocked XREAD now so the next one includes the current rooms. */
  private wake(): void {
    const seq = this.blockedSeq;
    if (seq === 0 || this.unblockingSeq === seq || !this.conn) return;
    this.unblockingSeq = seq;
    this.conn.unblock(() => this.blockedSeq === seq);
  }
}

/**
 * XREAD's reply as [key, entries] pairs: the RESP2 shape `[[key, entries], …]`, or a RESP3 map
 * flattened to `[key, entries, key, entries, …]`. Undefined when it is neither.
 */
export function streamsOf(reply: unknown): [string, unknown[]][] | undefined {
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
