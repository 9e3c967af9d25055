"use client";

import { useCallback, useEffect, useState, useSyncExternalStore } from "react";
import { useChannelClient } from "@/lib/client/realtime/react";
import { RoomClient, type RoomClientOptions, type SendResult } from "@/lib/client/room-client";
import { rememberCredentials, tabClientToken } from "./use-identity";
import { emptySnapshot, type RoomSnapshot } from "@/lib/client/room-state";

export type {
  ConnectionStatus,
  EndReason,
  JoinedInfo,
  RoomSnapshot,
  SendResult,
  TypingUser,
} from "@/lib/client/room-client";
export type { OutboxEntry } from "@/lib/client/outbox";

export type UseRoomSocketOptions = {
  /** "lobby" or a private room id. */
  room: string;
  /**
   * This tab's clientId; nothing connects while it is undefined (identity not loaded yet). Its
   * clientToken comes from, and what the server says about it goes back to, the tab's identity
   * (hooks/use-identity.ts): after `client_taken` the client moves to a new clientId by itself.
   */
  clientId: string | undefined;
  /** Display name. Changing it reconnects under the new name (the protocol has no rename). */
  name: string;
  /** Set false to stay disconnected (e.g. until the person picked a name). Default true. */
  enabled?: boolean;
  /** Overrides the WebSocket URL (default: ws(s)://<this host>/api/ws). */
  url?: string;
  /** Passed through to RoomClient (timings, for tests). */
  clientOptions?: Partial<Omit<RoomClientOptions, "room" | "clientId" | "clientToken" | "onIdentity" | "name" | "url">>;
};

export type RoomSocket = RoomSnapshot & {
  /** Queues a message (sent now, or as soon as the connection is back). */
  send(text: string): SendResult;
  /** Resends a failed message with its original nonce. */
  retry(nonce: string): void;
  /** Drops a failed message from the outbox. */
  discard(nonce: string): void;
  /** Call on input; throttled to one typing frame per 2 s. */
  notifyTyping(): void;
  /** Skips the remaining backoff wait. */
  reconnectNow(): void;
};

const IDLE: RoomSnapshot = emptySnapshot("", "", "");

const noSubscribe = () => () => {};
const idleSnapshot = () => IDLE;

function defaultSocketUrl(): string {
  if (typeof window === "undefined") return "";
  const { protocol, host } = window.location;
  return `${protocol === "https:" ? "wss:" : "ws:"}//${host}/api/ws`;
}

/**
 * The client side of one room: connects, joins, reconnects with backoff, and exposes the room's
 * state. Terminal states (`status.state === "ended"`: destroyed, expired, 4004, 4001) do not
 * reconnect; mount a new room (or change `room`) to start over.
 */
export function useRoomSocket({
  room,
  clientId,
  name,
  enabled = true,
  url,
  clientOptions,
}: UseRoomSocketOptions): RoomSocket {
  // One client per (room, clientId, url), made while rendering when those change (React's
  // "adjust state when a prop changes" pattern); the effects below start and stop it. The name is
  // applied separately so a rename keeps the messages and the outbox. A clientId the client moved
  // to itself (after client_taken) comes back here as the prop and keeps the same client.
  const socketUrl = url ?? defaultSocketUrl();
  const key = clientId && enabled ? JSON.stringify([room, socketUrl]) : null;
  const [current, setCurrent] = useState<{ key: string; client: RoomClient } | null>(null);
  if ((current?.key ?? null) !== key || (current && current.client.clientId !== clientId)) {
    const fresh =
      key && clientId
        ? new RoomClient({
            ...clientOptions,
            url: socketUrl,
            room,
            clientId,
            clientToken: tabClientToken(clientId),
            onIdentity: rememberCredentials,
            name,
          })
        : null;
    setCurrent(key && fresh ? { key, client: fresh } : null);
  }
  const client = current?.key === key && current.client.clientId === clientId ? current.client : null;

  // Before start(), so a new client joins under the current name.
  useEffect(() => {
    client?.setName(name);
  }, [client, name]);

  useEffect(() => {
    if (!client) return;
    client.start();
    return () => client.stop();
  }, [client]);

  const snapshot = useSyncExternalStore(
    client ? client.subscribe : noSubscribe,
    client ? client.getSnapshot : idleSnapshot,
    idleSnapshot,
  );

  // Inside a RealtimeProvider, the page's channels ride this room's socket while the room lasts.
  const channels = useChannelClient();
  const ended = snapshot.status.state === "ended";
  useEffect(() => {
    if (!client || !channels || ended) return;
    return channels.borrow(client.channelHost);
  }, [client, channels, ended]);

  const send = useCallback(
    (text: string): SendResult => client?.send(text) ?? { ok: false, message: "Not connected yet." },
    [client],
  );
  const retry = useCallback((nonce: string) => client?.retry(nonce), [client]);
  const discard = useCallback((nonce: string) => client?.discard(nonce), [client]);
  const notifyTyping = useCallback(() => client?.notifyTyping(), [client]);
  const reconnectNow = useCallback(() => client?.reconnectNow(), [client]);

  return { ...snapshot, send, retry, discard, notifyTyping, reconnectNow };
}
