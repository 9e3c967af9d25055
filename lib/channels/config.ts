import type { z } from "zod";
import { CHANNEL_EXPIRE_SECS, CHANNEL_RETAINS } from "../protocol";
import type { Middleware } from "./access";
import { flattenSchema, type Schema } from "./schema";
import type { Retention } from "./types";

/** `new Realtime(options)`: Upstash Realtime's options, plus the channel middleware Flare applies to every edge. */
export type RealtimeOptions<S extends Schema> = {
  schema: S;
  /** Each application channel keeps at least `maxLength` events, for `expireAfterSecs` after its last emit. */
  history?: { maxLength?: number; expireAfterSecs?: number } | boolean;
  /** Who may follow an application channel (WebSocket subscribe and SSE alike); room channels also need the seat. */
  middleware?: Middleware;
};

/** What the instance keeps of the options: the events by name, their retention, the middleware. */
export type ChannelsConfig = {
  events: ReadonlyMap<string, z.ZodType>;
  retention: Retention;
  middleware?: Middleware | undefined;
};

export function channelsConfig<S extends Schema>(options: RealtimeOptions<S>): ChannelsConfig {
  const history = typeof options.history === "object" ? options.history : {};
  return {
    events: flattenSchema(options.schema),
    retention: {
      maxLength: Math.max(CHANNEL_RETAINS, history.maxLength ?? CHANNEL_RETAINS),
      expireAfterSecs: history.expireAfterSecs ?? CHANNEL_EXPIRE_SECS,
    },
    middleware: options.middleware,
  };
}
