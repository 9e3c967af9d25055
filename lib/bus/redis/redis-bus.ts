import type Redis from "ioredis";
import { env } from "../../env";
import { FlareError, type Message } from "../../protocol";
import { closeClient, createCommandClient, releaseSharedRedis } from "../../redis/client";
import { Commands } from "../../redis/commands";
import { allRoomKeys, CONTROL_STREAM } from "../../redis/keys";
import { defineScripts } from "../../redis/scripts";
import type {
  AppendResult,
  Bus,
  BusHealth,
  HistoryResult,
  MessageDraft,
  Presence,
  RangeQuery,
  RoomEvent,
  RoomListener,
} from "../types";
import { encodeEvent } from "./codec";
import { appendMessage, readHistory, readRange } from "./messages";
import { RedisPresence } from "./presence";
import { StreamReader } from "./reader";

/** Room event streams keep only the newest ~100 entries: events are live-only. */
const EVENTS_MAXLEN = 100;
const CONTROL_MAXLEN = 1000;
const HEALTH_PING_MS = 1000;
/** How long `history` waits for a reconnecting reader to re-check its cursors. */
const SETTLE_MS = 1500;

export type RedisBusOptions = {
  instanceId: string;
  /** An existing command client (the process's shared one)… */
  client?: Redis;
  /** …or a URL to open one of its own (tests: two buses = two instances in one process). */
  url?: string;
  /** Defaults to env().PRESENCE_TTL_MS. */
  presenceTtlMs?: number;
  /** XREAD BLOCK timeout of the reader (ms). */
  blockMs?: number;
};

/**
 * The Bus over Redis streams: rooms shared by every instance. See lib/redis/keys.ts for the data
 * layout and lib/redis/scripts.ts for the atomic writes; reader.ts delivers the live feed.
 */
export class RedisBus implements Bus {
  readonly mode = "redis" as const;
  readonly instanceId: string;
  readonly presence: Presence;
  private readonly client: Redis;
  private readonly cmd: Commands;
  private readonly reader: StreamReader;
  private closing: Promise<void> | undefined;

  constructor(options: RedisBusOptions) {
    this.instanceId = options.instanceId;
    if (options.client) this.client = options.client;
    else if (options.url) this.client = createCommandClient(options.url, `flare-command:${options.instanceId}`);
    else throw new Error("RedisBus needs a client or a url");
    defineScripts(this.client);
    this.cmd = new Commands(this.client, this.instanceId);
    this.presence = new RedisPresence(this.cmd, options.presenceTtlMs ?? env().PRESENCE_TTL_MS);
    this.reader = new StreamReader({
      command: this.client,
      instanceId: this.instanceId,
      ...(options.blockMs !== undefined ? { blockMs: options.blockMs } : {}),
    });
  }

  append(draft: MessageDraft): Promise<AppendResult> {
    return appendMessage(this.cmd, draft);
  }

  async history(room: string, since: string | undefined, limit: number): Promise<HistoryResult> {
    // A joiner's history must come from the same log the room's live feed follows.
    // (Not worth waiting for when the command connection is down: the read fails at once anyway.)
    if (this.client.status === "ready") await this.reader.settled(room, SETTLE_MS);
    return readHistory(this.cmd, room, since, limit);
  }

  range(room: string, query: RangeQuery): Promise<Message[]> {
    return readRange(this.cmd, room, query);
  }

  subscribe(room: string, afterId: string, listener: RoomListener): () => void {
    return this.reader.subscribe(room, afterId, listener);
  }

  /** typing / presence → the room's events stream (room expiry rule applies); destroyed → control. */
  async publish(event: RoomEvent): Promise<void> {
    const data = encodeEvent(event);
    if (event.kind === "destroyed") {
      await this.cmd.run((c) =>
        c.xadd(CONTROL_STREAM, "MAXLEN", "~", CONTROL_MAXLEN, "*", "d", data, "o", this.instanceId),
      );
      return;
    }
    await this.cmd.run((c) =>
      c.flarePublish(...allRoomKeys(event.room), event.room, EVENTS_MAXLEN, data, this.instanceId),
    );
  }

  async deleteRoom(room: string): Promise<void> {
    await this.cmd.run((c) => c.del(...allRoomKeys(room)));
  }

  async health(): Promise<BusHealth> {
    let timer: NodeJS.Timeout | undefined;
    try {
      // Through `run`: fails at once while reconnecting, waits briefly only for the first connection.
      const pong = await Promise.race([
        this.cmd.run((c) => c.ping()),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new FlareError("unavailable")), HEALTH_PING_MS);
          timer.unref();
        }),
      ]);
      return pong === "PONG" ? "ok" : "down";
    } catch {
      return "down";
    } finally {
      clearTimeout(timer);
    }
  }

  /** Stops the reader and closes both connections, in bounded time. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.reader.close();
      releaseSharedRedis(this.client);
      await closeClient(this.client);
    })();
    return this.closing;
  }
}
