import type { RedisClient } from "../../redis/client";
import { env } from "../../env";
import { FlareError, type Message } from "../../protocol";
import { closeClient, createCommandClient } from "../../redis/client";
import { Commands } from "../../redis/commands";
import { allRoomKeys, CONTROL_STREAM, roomKeys } from "../../redis/keys";
import { defineScripts } from "../../redis/scripts";
import { type FeedSource, RoomFeed } from "../feed";
import type {
  AppendResult,
  Bus,
  BusHealth,
  Feed,
  FeedHandlers,
  HistoryResult,
  MessageDraft,
  Presence,
  RangeQuery,
  RoomEvent,
} from "../types";
import { RedisChannelLog } from "./channels";
import { decodeMessage, encodeEvent } from "./codec";
import { appendMessage, readHistory, readRange } from "./messages";
import { RedisPresence } from "./presence";
import { eventArgs } from "./room-events";
import { StreamReader } from "./reader/stream-reader";

const CONTROL_MAXLEN = 1000;
const HEALTH_PING_MS = 1000;
/** How long a feed's history read waits for a reconnecting reader to re-check its cursors. */
const SYNC_WAIT_MS = 1500;

export type RedisBusOptions = {
  instanceId: string;
  /** An existing command client (the process's shared one)… */
  client?: RedisClient;
  /** …or a URL to open one of its own (tests: two buses = two instances in one process). */
  url?: string;
  /** Defaults to env().PRESENCE_TTL_MS. */
  presenceTtlMs?: number;
};

/**
 * The Bus over Redis streams: rooms shared by every instance. See lib/redis/keys.ts for the data
 * layout and lib/redis/scripts/ for the atomic writes; reader/stream-reader.ts tails the streams.
 */
export class RedisBus implements Bus {
  readonly instanceId: string;
  readonly presence: Presence;
  readonly channels: RedisChannelLog;
  private readonly client: RedisClient;
  private readonly cmd: Commands;
  private readonly reader: StreamReader;
  /** Whether the bus opened its client itself (and so closes it). */
  private readonly ownsClient: boolean;
  private closing: Promise<void> | undefined;

  constructor(options: RedisBusOptions) {
    this.instanceId = options.instanceId;
    if (options.client) this.client = options.client;
    else if (options.url) this.client = createCommandClient(options.url, `flare-command:${options.instanceId}`);
    else throw new Error("RedisBus needs a client or a url");
    this.ownsClient = !options.client;
    defineScripts(this.client);
    this.cmd = new Commands(this.client, this.instanceId);
    this.presence = new RedisPresence(this.cmd, options.presenceTtlMs ?? env().PRESENCE_TTL_MS);
    this.reader = new StreamReader({ command: this.client, instanceId: this.instanceId });
    this.channels = new RedisChannelLog(this.cmd, this.reader, SYNC_WAIT_MS);
  }

  append(draft: MessageDraft): Promise<AppendResult> {
    return appendMessage(this.cmd, draft);
  }

  history(room: string, since: string | undefined, limit: number): Promise<HistoryResult> {
    return readHistory(this.cmd, room, since, limit);
  }

  range(room: string, query: RangeQuery): Promise<Message[]> {
    return readRange(this.cmd, room, query);
  }

  feed(room: string, handlers: FeedHandlers): Feed {
    return new RoomFeed(this.feedSource(room), handlers);
  }

  /** What the room's feed builds on: the stream, and its tail through the instance's one reader. */
  feedSource(room: string): FeedSource {
    const keys = roomKeys(room);
    const log = {
      key: keys.messages,
      eventsKey: keys.events,
      room,
      decode: (id: string, fields: unknown) => decodeMessage(room, id, fields),
    };
    return {
      history: (since, limit) => this.history(room, since, limit),
      tail: (afterId, listener) => this.reader.tail(log, afterId, listener),
      // A reader's history must come from the log the room's tail follows. Not worth waiting for
      // while the command connection is down: the read then fails at once anyway.
      synced: async () => {
        if (this.client.status === "ready") await this.reader.synced(log.key, SYNC_WAIT_MS);
      },
    };
  }

  /** typing / presence → the room's events stream (room expiry rule applies); destroyed → control. */
  async publish(event: RoomEvent): Promise<void> {
    if (event.kind === "destroyed") {
      const data = encodeEvent(event);
      await this.cmd.run((c) => c.flareControl(CONTROL_STREAM, CONTROL_MAXLEN, data, this.instanceId));
      return;
    }
    await this.cmd.run((c) =>
      c.flarePublish(...allRoomKeys(event.room), event.room, ...eventArgs(event, this.instanceId)),
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

  /** Stops the reader (and closes the command client if the bus opened it), in bounded time. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.reader.close();
      if (this.ownsClient) await closeClient(this.client);
    })();
    return this.closing;
  }
}
