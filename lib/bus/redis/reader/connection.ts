import type Redis from "ioredis";
import { createReaderClient, type RedisClient } from "../../../redis/client";
import { groupBySlot } from "../../../redis/pipeline";
import type { ShardNode } from "./shard-map";

/** A command that was in flight when the reader connection closed: it will never be answered. */
export class ReaderLost extends Error {
  constructor() {
    super("reader connection lost");
  }
}

/** Channels per SSUBSCRIBE / SUNSUBSCRIBE command (a reconnect resubscribes every followed stream). */
const CHANNELS_PER_COMMAND = 1000;

/**
 * A reader connection (to the one Redis, or to one master of a cluster), subscribed (sharded
 * pub/sub) to the key of every stream its shard follows: which incarnation it is in (`generation`, bumped
 * on every `ready`), and a guard that abandons commands in flight when it closes. Subscriptions do
 * not survive a reconnect: the reader subscribes again and catches up from its cursors.
 */
export class ReaderConnection {
  readonly client: Redis;
  generation = 0;
  /** Aborted when the connection closes; renewed for the next incarnation. */
  private life = new AbortController();

  constructor(
    command: RedisClient,
    name: string,
    private readonly node: ShardNode | undefined,
    onNotice: (channel: string, notice: string) => void,
  ) {
    this.client = createReaderClient(command, name, node);
    this.client.on("smessage", onNotice);
    this.client.on("ready", () => {
      this.generation++;
    });
    this.client.on("close", () => {
      this.life.abort(new ReaderLost());
      this.life = new AbortController();
    });
  }

  get ready(): boolean {
    return this.client.status === "ready";
  }

  /** Settles with `command`, or rejects with ReaderLost if the connection closes first. */
  guard<T>(command: Promise<T>): Promise<T> {
    const signal = this.life.signal;
    return new Promise<T>((resolve, reject) => {
      const lost = () => reject(new ReaderLost());
      signal.addEventListener("abort", lost, { once: true });
      command.then(resolve, reject).finally(() => signal.removeEventListener("abort", lost));
    });
  }

  /**
   * Resolves once Redis has confirmed every subscription: notices published from then on reach us.
   * On a cluster one SSUBSCRIBE may only name channels of one hash slot.
   */
  async subscribe(channels: readonly string[]): Promise<void> {
    const groups = this.node ? groupBySlot(channels, (c) => c) : [channels];
    const commands: Promise<unknown>[] = [];
    for (const group of groups)
      for (let i = 0; i < group.length; i += CHANNELS_PER_COMMAND)
        commands.push(this.client.ssubscribe(...group.slice(i, i + CHANNELS_PER_COMMAND)));
    await this.guard(Promise.all(commands));
  }

  /** Best effort: a subscription left behind only brings notices the reader drops. */
  unsubscribe(channels: readonly string[]): void {
    if (!this.ready || channels.length === 0) return;
    this.client.sunsubscribe(...channels).catch(() => {});
  }

  disconnect(): void {
    this.client.disconnect();
  }
}
