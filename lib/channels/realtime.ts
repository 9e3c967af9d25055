import { instance } from "../instance";
import { type ChannelEvent, DEFAULT_CHANNEL, FlareError } from "../protocol";
import type { EventInput, EventPaths, EventPayload, Schema } from "./schema";
import { type ChannelsConfig, channelsConfig, type RealtimeOptions } from "./config";
import type { HistoryOptions } from "./service";

/** A stored event as `emit` returns it, typed by its event name. */
export type RealtimeEvent<S extends Schema, E extends EventPaths<S> = EventPaths<S>> = EventPayload<S, E>;

export type SubscribeArgs<S extends Schema, E extends EventPaths<S>> = {
  /** Only these events (default: all of the schema's). */
  events?: readonly E[];
  onData: (event: EventPayload<S, E>) => void;
  /** The channel's log restarted or `after` is gone: what you held may have a gap; the newest 100 follow. */
  onReset?: () => void;
  /** The room behind a room channel ended: no more events will come. */
  onEnd?: (reason: "expired" | "destroyed") => void;
  signal?: AbortSignal;
} & ({ history?: boolean | { limit?: number }; after?: never } | { after: string; history?: never });

export type RealtimeChannel<S extends Schema> = {
  readonly name: string;
  /** Stores and delivers one event; rejects with `bad_request` when `data` fails the event's schema. */
  emit<E extends EventPaths<S>>(event: E, data: EventInput<S, E>): Promise<RealtimeEvent<S, E>>;
  /** Follows the channel from server code; resolves once the backlog was delivered, to the function that stops it. */
  subscribe<E extends EventPaths<S>>(args: SubscribeArgs<S, E>): Promise<() => void>;
  /** Stops every subscription this channel object made. */
  unsubscribe(): void;
  /** Oldest first; `start` / `end` are epoch ms or event ids, `limit` 1–1000 (default 100). */
  history(params?: HistoryOptions): Promise<RealtimeEvent<S>[]>;
};

/**
 * Flare's typed events, shaped like `@upstash/realtime` (moving an app over is an import change):
 *
 *   export const realtime = new Realtime({ schema: { notification: { alert: z.string() } } });
 *   await realtime.channel("user-42").emit("notification.alert", "Your export is ready");
 *
 * Events are stored in the channel's capped log and delivered to every follower on every
 * instance in id order; `subscribe({ after })` resumes without a gap.
 */
export type { RealtimeOptions };

export class Realtime<S extends Schema> {
  readonly config: ChannelsConfig;
  private readonly fallback: RealtimeChannel<S>;

  constructor(options: RealtimeOptions<S>) {
    this.config = channelsConfig(options);
    this.fallback = this.channel(DEFAULT_CHANNEL);
  }

  channel(name: string): RealtimeChannel<S> {
    return new ServerChannel<S>(name, this.config);
  }

  /** One event to several channels: validated once, one round trip per Redis node. */
  async emitMany<E extends EventPaths<S>>(
    channels: readonly string[],
    event: E,
    data: EventInput<S, E>,
  ): Promise<RealtimeEvent<S, E>[]> {
    const stored = await instance().channels.emit(channels, event, data, this.config);
    return stored.map((e) => typed<S, E>(e));
  }

  emit<E extends EventPaths<S>>(event: E, data: EventInput<S, E>): Promise<RealtimeEvent<S, E>> {
    return this.fallback.emit(event, data);
  }

  subscribe<E extends EventPaths<S>>(args: SubscribeArgs<S, E>): Promise<() => void> {
    return this.fallback.subscribe(args);
  }

  history(params?: HistoryOptions): Promise<RealtimeEvent<S>[]> {
    return this.fallback.history(params);
  }
}

/** The type of the events of a `Realtime`, for `createRealtime<…>()` on the client. */
export type InferRealtimeEvents<R> = R extends Realtime<infer S> ? S : never;

class ServerChannel<S extends Schema> implements RealtimeChannel<S> {
  private readonly stops = new Set<() => void>();

  constructor(
    readonly name: string,
    private readonly config: ChannelsConfig,
  ) {}

  async emit<E extends EventPaths<S>>(event: E, data: EventInput<S, E>): Promise<RealtimeEvent<S, E>> {
    const [stored] = await instance().channels.emit([this.name], event, data, this.config);
    if (!stored) throw new FlareError("unavailable");
    return typed<S, E>(stored);
  }

  async subscribe<E extends EventPaths<S>>(args: SubscribeArgs<S, E>): Promise<() => void> {
    const channels = instance().channels;
    const history = args.history === true ? 100 : args.history ? (args.history.limit ?? 100) : 0;
    const abort = new AbortController();
    const stop = () => {
      abort.abort();
      this.stops.delete(stop);
    };
    if (args.signal) args.signal.addEventListener("abort", stop, { once: true });
    const stream = await channels.follow(
      [
        {
          channel: this.name,
          // A lost `after` is a reset with the newest 100, as `history: true` would give.
          ...(args.after !== undefined ? { since: args.after, history: 100 } : { history }),
          ...(args.events ? { events: args.events } : {}),
        },
      ],
      await channels.roomsOf([this.name]),
      abort.signal,
    );
    this.stops.add(stop);
    void (async () => {
      for await (const notice of stream) {
        if (notice.type === "events") {
          if (notice.reset && args.after !== undefined) args.onReset?.();
          for (const e of notice.events) args.onData(typed<S, E>(e));
        } else if (notice.type === "event") {
          const { type: _type, ...e } = notice;
          args.onData(typed<S, E>(e));
        } else if (notice.reason) args.onEnd?.(notice.reason);
      }
    })();
    return stop;
  }

  unsubscribe(): void {
    for (const stop of [...this.stops]) stop();
  }

  async history(params?: HistoryOptions): Promise<RealtimeEvent<S>[]> {
    const events = await instance().channels.history(this.name, params);
    return events.map((e) => typed<S, EventPaths<S>>(e));
  }
}

/**
 * A stored event as its schema's type. Events are validated against the schema when emitted and
 * stored by Flare itself, so the name decides the data's shape.
 */
function typed<S extends Schema, E extends EventPaths<S>>(event: ChannelEvent): RealtimeEvent<S, E> {
  return event as RealtimeEvent<S, E>;
}
