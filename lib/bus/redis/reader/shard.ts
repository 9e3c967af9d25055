import { once, setMaxListeners } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import { backoffMs, type RedisClient } from "../../../redis/client";
import { CONTROL_STREAM } from "../../../redis/keys";
import { catchUp } from "./catch-up";
import { onceWithin } from "./once-within";
import { ReaderConnection, ReaderLost } from "./connection";
import { type Entry, notifyReset, type ReaderRoom, type ReaderRegistry, restart } from "./registry";
import type { ShardNode } from "./shard-map";
import { errorFields, log } from "../../../observability/log";

/** How long a reset waits for the command connection to be back before the tails re-read history. */
const RESET_WAIT_MS = 3000;
/** How long a catch-up waits for the command connection (it reads through it) before it fails and retries. */
const COMMAND_WAIT_MS = 1000;

/** Errors that mean "this shard's node no longer owns that slot": the slot map must be refreshed. */
const MOVED_ERROR = /^(MOVED|ASK|CLUSTERDOWN|TRYAGAIN)\b|slots allocation group|should belong to the same slot/;

export type ShardOptions = {
  registry: ReaderRegistry;
  /** The command client: catch-up reads go through it. */
  command: RedisClient;
  /** Connection name (CLIENT LIST shows it; the chaos test kills readers by it). */
  name: string;
  /** The master this shard reads from (cluster), or undefined for the one Redis. */
  node?: ShardNode | undefined;
  onNotice(channel: string, notice: string): void;
  /** The node told us (or an error says) that slots moved: the slot map needs a refresh. */
  onMoved(): void;
};

/**
 * The reader's part on one Redis node: one subscribed connection and the logs whose streams live on
 * that node (all of them on a single Redis). A log here catches up when it arrives, when a tail
 * with an older cursor joins, and after every reconnect: subscribe first, hold the notices that
 * arrive, read the streams from their cursors (`catch-up.ts`), deliver that, then the held
 * notices, skipping anything at or below the cursor.
 */
export class ReaderShard {
  readonly logs = new Set<ReaderRoom>();
  /** Whether this shard follows the control stream (the node that owns its slot does). */
  ownsControl = false;
  private readonly conn: ReaderConnection;
  private readonly closing = new AbortController();
  /** Emits "synced" whenever the shard has caught up every log on its current connection. */
  private readonly syncs = new EventTarget();
  /** Logs that must (re)subscribe and catch up. */
  private readonly stale = new Set<ReaderRoom>();
  private controlStale = false;
  /** Control notices held back while the control stream catches up. */
  private controlHeld: Entry[] | undefined;
  private running = false;
  private loopDone: Promise<void> = Promise.resolve();
  private syncedGeneration = 0;
  private errorLogged = false;

  constructor(private readonly o: ShardOptions) {
    this.conn = new ReaderConnection(o.command, o.name, o.node, o.onNotice);
    // Every join that arrives before the first catch-up waits here, each until its own timeout:
    // thousands in a join storm on a new instance, not a leak.
    setMaxListeners(10_000, this.syncs);
    // A new connection has no subscriptions: every log catches up again.
    this.conn.client.on("ready", () => this.resyncAll());
    // Redis unsubscribed us from a slot that moved to another node.
    this.conn.client.on("moved", () => {
      o.onMoved();
      this.resyncAll();
    });
    // The node went away: if it failed over, the slot map names its successor soon.
    this.conn.client.on("close", () => {
      if (!this.closed) o.onMoved();
    });
  }

  private get closed(): boolean {
    return this.closing.signal.aborted;
  }

  add(r: ReaderRoom): void {
    this.logs.add(r);
    this.markStale(r);
  }

  /** Stops following `r` here (it was removed, or moved to another shard). */
  remove(r: ReaderRoom): void {
    this.logs.delete(r);
    this.stale.delete(r);
    this.conn.unsubscribe(channelsOf(r));
  }

  /** Catch `r` up again (a tail with an older cursor joined). */
  markStale(r: ReaderRoom): void {
    r.held ??= [];
    this.stale.add(r);
    this.start();
  }

  takeControl(): void {
    this.ownsControl = true;
    this.controlStale = true;
    this.controlHeld ??= [];
    this.start();
  }

  dropControl(): void {
    this.ownsControl = false;
    this.controlStale = false;
    this.conn.unsubscribe([CONTROL_STREAM]);
  }

  /** Holds a control notice while the control stream catches up; false when it can be delivered now. */
  holdControl(entry: Entry): boolean {
    if (!this.controlHeld) return false;
    this.controlHeld.push(entry);
    return true;
  }

  inSync(): boolean {
    return this.closed || (this.conn.ready && this.syncedGeneration === this.conn.generation);
  }

  async synced(timeoutMs: number): Promise<void> {
    if (this.inSync()) return;
    await onceWithin(this.syncs, "synced", timeoutMs, this.closing.signal);
  }

  /** Stops the loop and closes the connection (bounded). */
  async close(timeoutMs = 1000): Promise<void> {
    if (this.closed) return;
    this.closing.abort();
    this.stale.clear();
    this.conn.disconnect();
    await Promise.race([this.loopDone, sleep(timeoutMs, undefined, { ref: false })]);
  }

  private resyncAll(): void {
    if (this.closed) return;
    for (const r of this.logs) this.markStale(r);
    if (this.ownsControl) this.takeControl();
  }

  /** Idempotent and synchronous: at most one loop runs. */
  private start(): void {
    if (this.running || this.closed || (this.stale.size === 0 && !this.controlStale)) return;
    this.running = true;
    this.loopDone = this.loop();
  }

  private async loop(): Promise<void> {
    const { signal } = this.closing;
    let failures = 0;
    try {
      while (!this.closed && (this.stale.size > 0 || this.controlStale)) {
        try {
          if (!this.conn.ready) await once(this.conn.client, "ready", { signal });
          if (this.closed) break;
          await this.syncOnce();
          failures = 0;
          this.errorLogged = false;
        } catch (e) {
          if (this.closed) break;
          if (e instanceof ReaderLost) continue; // the next turn waits for the reconnect
          if (e instanceof Error && MOVED_ERROR.test(e.message)) this.o.onMoved();
          failures++;
          if (!this.errorLogged) {
            this.errorLogged = true;
            log().warn({ ...errorFields(e), reader: this.o.name }, "redis reader failed; retrying");
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
  private async syncOnce(): Promise<void> {
    const { conn, o } = this;
    const generation = conn.generation;
    const logs = [...this.stale];
    const control = this.controlStale;
    this.stale.clear();
    this.controlStale = false;
    try {
      const channels = logs.flatMap(channelsOf);
      if (control) channels.push(CONTROL_STREAM);
      await conn.subscribe(channels);
      await this.commandReady(COMMAND_WAIT_MS);
      const outcome = await conn.guard(catchUp(o.command, o.registry, logs, control));
      if (generation !== conn.generation) throw new ReaderLost();
      for (const r of outcome.more) this.stale.add(r);
      if (outcome.controlMore) this.controlStale = true;
      if (outcome.restarted.length > 0) await this.restartLogs(outcome.restarted);
      for (const r of logs) if (!this.stale.has(r)) this.release(r);
      if (control && !this.controlStale) this.releaseControl();
    } catch (e) {
      for (const r of logs) if (this.logs.has(r)) this.stale.add(r);
      if (control && this.ownsControl) this.controlStale = true;
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
      { reader: this.o.name, rooms: restarted.length },
      "room logs restarted under the reader (Redis came back empty or failed over); readers get reset history",
    );
    for (const r of restarted) {
      restart(r);
      this.stale.add(r);
    }
    // A tail answers reset() by reading history through the command connection, which reconnects
    // on its own schedule: give it a moment to be back first.
    await this.commandReady(RESET_WAIT_MS);
    for (const r of restarted) if (this.logs.has(r)) notifyReset(r);
  }

  /** The log reads live: its held notices are delivered (those the catch-up already delivered are skipped). */
  private release(r: ReaderRoom): void {
    // A log that moved to another shard meanwhile keeps its held notices for that shard's round.
    if (!this.logs.has(r)) return;
    const held = r.held;
    r.held = undefined;
    if (!held) return;
    for (const { kind, entry } of held) this.o.registry.deliver(kind, r, [entry]);
  }

  private releaseControl(): void {
    const held = this.controlHeld;
    this.controlHeld = undefined;
    if (held) this.o.registry.deliverControl(held);
  }

  private async commandReady(timeoutMs: number): Promise<void> {
    if (this.o.command.status === "ready") return;
    await onceWithin(this.o.command, "ready", timeoutMs, this.closing.signal);
  }
}

/** The channels (stream keys) a log's notices come on. */
export function channelsOf(r: ReaderRoom): string[] {
  return r.spec.eventsKey ? [r.spec.key, r.spec.eventsKey] : [r.spec.key];
}
