"use client";

import { createContext, useContext, useEffect, useRef, useState, useSyncExternalStore, type ReactNode } from "react";
import type { EventPaths, EventPayload } from "../../channels/schema";
import { DEFAULT_CHANNEL } from "../../protocol";
import { ChannelClient, type ChannelEnd, type ChannelError, type RealtimeStatus } from "./channel-client";
import { SocketTransport } from "./socket-transport";

export type { ChannelEnd, ChannelError, RealtimeStatus } from "./channel-client";

/**
 * React over the ChannelClient, shaped like `@upstash/realtime/client`:
 *
 *   const { useRealtime } = createRealtime<AppEvents>();
 *   useRealtime({ channels: ["announcements"], events: ["announcement.posted"], onData: ({ data }) => … });
 *
 * The tab's one ChannelClient lives in <RealtimeProvider>; a room connection inside it
 * (hooks/use-room-socket.ts) lends it the room's socket, so the tab keeps one WebSocket.
 */

const RealtimeContext = createContext<ChannelClient | null>(null);

export type RealtimeProviderProps = {
  children: ReactNode;
  /** `url`: the WebSocket endpoint (default: ws(s)://<this host>/api/ws). */
  api?: { url?: string };
};

export function RealtimeProvider({ children, api }: RealtimeProviderProps) {
  const [client] = useState(() => new ChannelClient(new SocketTransport({ url: api?.url ?? defaultSocketUrl() })));
  return <RealtimeContext value={client}>{children}</RealtimeContext>;
}

/** The tab's ChannelClient, or null outside a RealtimeProvider. */
export function useChannelClient(): ChannelClient | null {
  return useContext(RealtimeContext);
}

export type UseRealtimeOpts<T, E extends string> = {
  /** Only these events (default: all). */
  events?: readonly E[];
  onData?: (payload: EventPayload<T, E>) => void;
  /** Channels to follow (default: `["default"]`); changing them subscribes and unsubscribes on the open socket. */
  channels?: readonly (string | undefined)[];
  /** False: follow nothing. Default true. */
  enabled?: boolean;
  /** Flare: how many past events a channel replays when it is first followed (0–1000, default 0). */
  history?: number;
  /** Flare: the server refused a channel (forbidden, unauthorized, too many channels…). */
  onError?: (error: ChannelError) => void;
  /** Flare: the room behind a room channel ended; nothing more comes from it. */
  onEnd?: (channel: string, reason: ChannelEnd) => void;
};

export type UseRealtimeResult = {
  status: RealtimeStatus;
  /** Channels the server refused, with a message a person can read. */
  errors: readonly ChannelError[];
};

const disconnected = (): RealtimeStatus => "disconnected";
const noStore = () => () => {};

function useRealtime<T, E extends string>(opts: UseRealtimeOpts<T, E>): UseRealtimeResult {
  const client = useContext(RealtimeContext);
  if (!client) throw new Error("useRealtime needs a <RealtimeProvider> above it.");
  const { enabled = true, history = 0 } = opts;
  // Channel and event names cannot hold a comma, so these keys stand for the lists in the effect's deps.
  const channelKey = [...new Set((opts.channels ?? [DEFAULT_CHANNEL]).filter((c) => c !== undefined))].sort().join(",");
  const eventKey = opts.events ? [...new Set(opts.events)].sort().join(",") : null;
  const callbacks = useRef(opts);
  useEffect(() => {
    callbacks.current = opts;
  });
  const [errors, setErrors] = useState<readonly ChannelError[]>([]);

  useEffect(() => {
    if (!enabled || !channelKey) return;
    const events = eventKey === null ? undefined : eventKey.split(",");
    const stops = channelKey.split(",").map((channel) =>
      client.subscribe({
        channel,
        events,
        history,
        onEvent: (e) => callbacks.current.onData?.(e as EventPayload<T, E>),
        onError: (error) => {
          setErrors((prev) => [...prev.filter((x) => x.channel !== error.channel), error]);
          callbacks.current.onError?.(error);
        },
        onEnd: (c, reason) => callbacks.current.onEnd?.(c, reason),
      }),
    );
    return () => {
      for (const stop of stops) stop();
      setErrors([]);
    };
  }, [client, channelKey, eventKey, history, enabled]);

  const status = useSyncExternalStore(
    enabled ? client.onStatus : noStore,
    enabled ? client.getStatus : disconnected,
    disconnected,
  );
  return { status, errors };
}

/** `createRealtime<InferRealtimeEvents<typeof realtime>>()`: a `useRealtime` typed by the app's schema. */
export function createRealtime<T>() {
  return {
    useRealtime: <const E extends EventPaths<T>>(opts: UseRealtimeOpts<T, E>): UseRealtimeResult =>
      useRealtime<T, E>(opts),
  };
}

function defaultSocketUrl(): string {
  if (typeof window === "undefined") return "";
  const { protocol, host } = window.location;
  return `${protocol === "https:" ? "wss:" : "ws:"}//${host}/api/ws`;
}
