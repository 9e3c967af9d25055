import { Cluster } from "ioredis";
import type { RedisClient } from "../../../redis/client";
import { CONTROL_STREAM } from "../../../redis/keys";
import { parseNotice } from "../../../redis/scripts/notify";
import type { LogEntry, TailListener } from "../../types";
import { type LogSpec, type ReaderRoom, ReaderRegistry } from "./registry";
import { ReaderShard } from "./shard";
import { shardNode, shardOf } from "./shard-map";

/**
 * The instance's stream reader. Every script that appends to a stream also publishes the entry on
 * the stream's key (sharded pub/sub, lib/redis/scripts/notify.ts); the reader subscribes to the
 * streams of every log with a local tail (a room's messages and events, a channel's events) and to
 * the global control stream (`destroyed`). So Redis pushes each entry once to each instance that
 * follows it, and an idle room costs nothing.
 *
 * On a single Redis the reader has one connection; on a cluster one per master (`ReaderShard`),
 * each following the logs whose slot that master owns. When the slot map changes (a slot moved,
 * a failover: the command client refreshes it on MOVED, on node errors and periodically), logs
 * move to the shard of their new owner and catch up there from their cursors, so a move loses or
 * doubles nothing.
 *
 * Guarantees:
 * - each log's entries reach its tails once, strictly in stream-id order, this instance's own
 *   appends included (the hub relies on the bus for those too);
 * - events published by this instance are never delivered back;
 * - whenever a log (re)subscribes it checks that its stream still holds its cursor: one that
 *   vanished or no longer holds it (Redis restarted empty, failover, or the room ran past the
 *   retained window while we were away) restarts at "0-0" and its tails' `reset()` is called.
 */

export type ReaderOptions = {
  /** The command client: catch-up reads go through it; its options are the reader connections' too. */
  command: RedisClient;
  instanceId: string;
};

export class StreamReader {
  private readonly registry: ReaderRegistry;
  private readonly command: RedisClient;
  private readonly name: string;
  private readonly shards = new Map<string, ReaderShard>();
  /** The shard each log is followed by; a log missing here waits for the cluster's slot map. */
  private readonly placed = new Map<ReaderRoom, ReaderShard>();
  private controlShard: ReaderShard | undefined;
  private closed = false;
  private readonly onTopology = () => this.regroup();

  constructor(options: ReaderOptions) {
    this.command = options.command;
    this.name = `flare-reader:${options.instanceId}`;
    this.registry = new ReaderRegistry(options.instanceId);
    if (this.command instanceof Cluster) {
      this.command.on("refresh", this.onTopology);
      this.command.on("ready", this.onTopology);
    }
  }

  tail<T extends LogEntry>(log: LogSpec<T>, afterId: string, listener: TailListener<T>): () => void {
    if (this.closed) return () => {};
    const { room, moved, remove } = this.registry.add(log, afterId, listener);
    if (moved) {
      const shard = this.placed.get(room);
      if (shard) shard.markStale(room);
      else this.place(room);
    }
    this.placeControl();
    return () => {
      const gone = remove();
      if (!gone) return;
      this.placed.get(gone)?.remove(gone);
      this.placed.delete(gone);
    };
  }

  /**
   * Resolves once the reader is in step with the Redis that holds `key` (or after `timeoutMs`):
   * right away normally; while it reconnects, after it has caught up (and reset the tails of logs
   * that went away). History read before that could come from a restarted, empty Redis while the
   * room's live tail still follows the old one.
   */
  async synced(key: string, timeoutMs: number): Promise<void> {
    const r = this.registry.rooms.get(key);
    const shard = r && this.placed.get(r);
    if (!r || this.closed) return;
    if (!shard) return this.regroup();
    await shard.synced(timeoutMs);
  }

  /** Closes every shard (bounded). */
  async close(timeoutMs = 1000): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.command instanceof Cluster) {
      this.command.off("refresh", this.onTopology);
      this.command.off("ready", this.onTopology);
    }
    this.registry.rooms.clear();
    this.placed.clear();
    await Promise.all([...this.shards.values()].map((s) => s.close(timeoutMs)));
    this.shards.clear();
  }

  private onNotice(channel: string, notice: string): void {
    const target = this.registry.target(channel);
    if (!target) return;
    const entry = parseNotice(notice);
    if (!entry) return;
    if (target.kind === "control") {
      if (!this.controlShard?.holdControl(entry)) this.registry.deliverControl([entry]);
      return;
    }
    const r = target.room;
    if (r.held) r.held.push({ kind: target.kind, entry });
    else this.registry.deliver(target.kind, r, [entry]);
  }

  /** Puts `r` on the shard of the node that owns its streams now (a move makes it catch up there). */
  private place(r: ReaderRoom): void {
    const id = shardOf(this.command, r.spec.key);
    const current = this.placed.get(r);
    if (id === undefined || (current && current === this.shards.get(id))) return;
    current?.remove(r);
    const shard = this.shard(id);
    this.placed.set(r, shard);
    shard.add(r);
  }

  private placeControl(): void {
    if (this.registry.rooms.size === 0 && !this.controlShard) return;
    const id = shardOf(this.command, CONTROL_STREAM);
    if (id === undefined || (this.controlShard && this.controlShard === this.shards.get(id))) return;
    this.controlShard?.dropControl();
    this.controlShard = this.shard(id);
    this.controlShard.takeControl();
  }

  /** After the cluster's slot map changed: every log to its owner's shard; shards left empty close. */
  private regroup(): void {
    if (this.closed) return;
    for (const r of this.registry.rooms.values()) this.place(r);
    this.placeControl();
    for (const [id, shard] of this.shards) {
      if (shard.logs.size > 0 || shard.ownsControl) continue;
      this.shards.delete(id);
      void shard.close();
    }
  }

  private shard(id: string): ReaderShard {
    let shard = this.shards.get(id);
    if (!shard) {
      shard = new ReaderShard({
        registry: this.registry,
        command: this.command,
        name: this.name,
        node: shardNode(id),
        onNotice: (channel, notice) => this.onNotice(channel, notice),
        onMoved: () => this.refreshSlots(),
      });
      this.shards.set(id, shard);
    }
    return shard;
  }

  private refreshSlots(): void {
    if (this.command instanceof Cluster) this.command.refreshSlotsCache();
  }
}
