import { once } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import type Redis from "ioredis";
import { backoffMs } from "../../../redis/client";
import { CONTROL_STREAM } from "../../../redis/keys";
import { parseNotice } from "../../../redis/scripts/notify";
import type { LogEntry, TailListener } from "../../types";
import { catchUp } from "./catch-up";
import { ReaderConnection, ReaderLost } from "./connection";
import { type Entry, type LogSpec, notifyReset, type ReaderRoom, ReaderRegistry, restart } from "./registry";
import { errorFields, log } from "../../../observability/log";

/**
 * The instance's one stream reader. Every script that appends to a stream also publishes the entry
 * on the stream's key (sharded pub/sub, lib/redis/scripts/notify.ts); the reader subscribes, on its
 * own (duplicated) connection, to the streams of every log with a local tail (a room's messages and
 * events, a channel's events) and to the global control stream (`destroyed`). So Redis pushes each
 * entry once to each instance that follows it, and an idle room costs nothing.
 *
 * A log catches up from its streams whenever the notices alone cannot be trusted: when it is first
 * followed, when a tail with an older cursor joins, and after every reconnect. It subscribes first,
 * holds back the notices that arrive, reads its streams from its cursors (`catch-up.ts`), delivers
 * that, then the held notices, skipping anything at or below the cursor. Everything appended after
 * the subscription is in the notices, everything before it in the read.
 *
 * Guarantees:
 * - each log's entries reach its tails once, strictly in stream-id order, this instance's own
 *   appends included (the hub relies on the bus for those too);
 * - events published by this instance are never delivered back;
 * - after every reconnect each log checks that its stream still holds its cursor: one that vanished
 *   or no longer holds it (Redis restarted empty, failover, or the room ran past the retained
 *   window while we were away) restarts at "0-0" and its tails' `reset()` is called.
 */

export type ReaderOptions = {
  /** The command connection: duplicated for the reader's subscriptions, and used for catch-up reads. */
  command: Redis;
  instanceId: string;
};

/** How long a reset waits for the command connection to be back before the tails re-read history. */
const RESET_WAIT_MS = 3000;
/** How long a catch-up waits for the command connection (it reads through it) before it fails and retries. */
const COMMAND_WAIT_MS = 1000;

export class StreamReader {
  private readonly registry: ReaderRegistry;
  private readonly command: Redis;
  private readonly name: string;
  /** Aborted by close(): ends every wait of the loop. */
  private readonly closing = new AbortController();
  /** Emits "synced" whenever the reader has caught up every log on its current connection. */
  private readonly syncs = new EventTarget();
  private conn: ReaderConnection | undefined;
  /** Logs that must (re)subscribe and catch up. */
  private readonly stale = new Set<ReaderRoom>();
  private controlStale = true;
  /** Control notices held back while the control stream catches up. */
  private controlHeld: Entry[] | undefined = [];
  private running = false;
  private loopDone: Promise<void> = Promise.resolve();
  private syncedGeneration = 0;
  private errorLogged = false;

  constructor(options: ReaderOptions) {
    this.command = options.command;
    this.name = `flare-reader:${options.instanceId}`;
    this.registry = new ReaderRegistry(options.instanceId);
  }

  private get closed(): boolean {
    return this.closing.signal.aborted;
  }

  tail<T extends LogEntry>(log: LogSpec<T>, afterId: string, listener: TailListener<T>): () => void {
    if (this.closed) return () => {};
    const { room, moved, remove } = this.registry.add(log, afterId, listener);
    if (moved) this.markStale(room);
    this.start();
    return () => {
      const gone = remove();
      if (!gone) return;
      this.stale.delete(gone);
      this.conn?.unsubscribe(gone.spec.eventsKey ? [gone.spec.key, gone.spec.eventsKey] : [gone.spec.key]);
    };
  }

  /**
   * Resolves once the reader is in step with the Redis it is connected to (or after `timeoutMs`):
   * right away normally; while it reconnects, after it has caught up (and reset the tails of logs
   * that went away). History read before that could come from a restarted, empty Redis while the
   * room's live tail still follows the old one.
   */
  async synced(key: string, timeoutMs: number): Promise<void> {
    if (!this.registry.rooms.has(key) || this.inSync()) return;
    const signal = AbortSignal.any([this.closing.signal, AbortSignal.timeout(timeoutMs)]);
    await once(this.syncs, "synced", { signal }).catch(() => {});
  }

  private inSync(): boolean {
    return this.closed || (this.conn?.ready === true && this.syncedGeneration === this.conn.generation);
  }

  /** Stops the loop and closes the reader connection (bounded). */
  async close(timeoutMs = 1000): Promise<void> {
    if (this.closed) return;
    this.closing.abort();
    this.registry.rooms.clear();
    this.stale.clear();
    this.conn?.disconnect();
    await Promise.race([this.loopDone, sleep(timeoutMs, undefined, { ref: false })]);
  }

  private markStale(r: ReaderRoom): void {
    r.held ??= [];
    this.stale.add(r);
  }

  /** Idempotent and synchronous: at most one loop runs. */
  private start(): void {
    if (this.running || this.closed) return;
    if (this.stale.size === 0 && !this.controlStale) return;
    if (!this.conn) {
      const conn = new ReaderConnection(this.command, this.name, (channel, notice) => this.onNotice(channel, notice));
      // A new connection has no subscriptions: every log catches up again.
      conn.client.on("ready", () => {
        if (this.closed) return;
        for (const r of this.registry.rooms.values()) this.markStale(r);
        this.controlStale = true;
        this.controlHeld ??= [];
        this.start();
      });
      this.conn = conn;
    }
    this.running = true;
    this.loopDone = this.loop(this.conn);
  }

  private onNotice(channel: string, notice: string): void {
    const target = this.registry.target(channel);
    if (!target) return;
    const entry = parseNotice(notice);
    if (!entry) return;
    if (target.kind === "control") {
      if (this.controlHeld) this.controlHeld.push(entry);
      else this.registry.deliverControl([entry]);
      return;
    }
    const r = target.room;
    if (r.held) r.held.push({ kind: target.kind, entry });
    else this.registry.deliver(target.kind, r, [entry]);
  }

  private async loop(conn: ReaderConnection): Promise<void> {
    const { signal } = this.closing;
    let failures = 0;
    try {
      while (!this.closed && (this.stale.size > 0 || this.controlStale)) {
        try {
          if (!conn.ready) await once(conn.client, "ready", { signal });
          if (this.closed) break;
          await this.syncOnce(conn);
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
      // Synchronous with the loop's last check: a log marked stale after this starts a new loop.
      this.running = false;
    }
  }

  /** One round: subscribe the stale logs, read their streams from their cursors, release what was held. */
  private async syncOnce(conn: ReaderConnection): Promise<void> {
    const generation = conn.generation;
    const logs = [...this.stale];
    const control = this.controlStale;
    this.stale.clear();
    this.controlStale = false;
    try {
      const channels = logs.flatMap((r) => (r.spec.eventsKey ? [r.spec.key, r.spec.eventsKey] : [r.spec.key]));
      if (control) channels.push(CONTROL_STREAM);
      await conn.subscribe(channels);
      await this.commandReady(COMMAND_WAIT_MS);
      const outcome = await conn.guard(catchUp(this.command, this.registry, logs, control));
      if (generation !== conn.generation) throw new ReaderLost();
      for (const r of outcome.more) this.stale.add(r);
      if (outcome.controlMore) this.controlStale = true;
      if (outcome.restarted.length > 0) await this.restartLogs(outcome.restarted);
      for (const r of logs) if (!this.stale.has(r)) this.release(r);
      if (control && !this.controlStale) this.releaseControl();
    } catch (e) {
      for (const r of logs) if (this.registry.follows(r)) this.stale.add(r);
      if (control) this.controlStale = true;
      throw e;
    }
    if (this.stale.size === 0 && !this.controlStale && generation === conn.generation) {
      this.syncedGeneration = generation;
      this.syncs.dispatchEvent(new Event("synced"));
    }
  }

  /** Logs whose streams lost their cursor restart at "0-0"; their tails re-read history, then read on. */
  private async restartLogs(restarted: ReaderRoom[]): Promise<void> {
    log().warn(
      { reader: this.name, rooms: restarted.length },
      "room logs restarted under the reader (Redis came back empty or failed over); readers get reset history",
    );
    for (const r of restarted) {
      restart(r);
      this.stale.add(r);
    }
    // A tail answers reset() by reading history through the command connection, which reconnects
    // on its own schedule: give it a moment to be back first.
    await this.commandReady(RESET_WAIT_MS);
    for (const r of restarted) if (this.registry.follows(r)) notifyReset(r);
  }

  /** The log reads live: its held notices are delivered (those the catch-up already delivered are skipped). */
  private release(r: ReaderRoom): void {
    const held = r.held;
    r.held = undefined;
    if (!held || !this.registry.follows(r)) return;
    for (const { kind, entry } of held) this.registry.deliver(kind, r, [entry]);
  }

  private releaseControl(): void {
    const held = this.controlHeld;
    this.controlHeld = undefined;
    if (held) this.registry.deliverControl(held);
  }

  private async commandReady(timeoutMs: number): Promise<void> {
    if (this.command.status === "ready") return;
    const signal = AbortSignal.any([this.closing.signal, AbortSignal.timeout(timeoutMs)]);
    await once(this.command, "ready", { signal }).catch(() => {});
  }
}
