"use client";

import { useCallback, useEffect, useState, useSyncExternalStore } from "react";
import {
  emptySnapshot,
  RoomClient,
  type RoomClientOptions,
  type RoomSnapshot,
  type SendResult,
} from "@/lib/client/room-client";

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
  /** This tab's clientId; nothing connects while it is undefined (identity not loaded yet). */
  clientId: string | undefined;
  /** Display name. Changing it reconnects under the new name (the protocol has no rename). */
  name: string;
  /** Set false to stay disconnected (e.g. until the person picked a name). Default true. */
  enabled?: boolean;
  /** Overrides the WebSocket URL (default: ws(s)://<this host>/api/ws). */
  url?: string;
  /** Passed through to RoomClient (timings, for tests). */
  clientOptions?: Partial<Omit<RoomClientOptions, "room" | "clientId" | "name" | "url">>;
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

export function defaultSocketUrl(): string {
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
  const [client, setClient] = useState<RoomClient | null>(null);

  // One client per (room, clientId); the name is applied separately so a rename keeps the
  // messages and the outbox.
  useEffect(() => {
    if (!clientId || !enabled) return;
    const c = new RoomClient({ ...clientOptions, url: url ?? defaultSocketUrl(), room, clientId, name });
    setClient(c);
    c.start();
    return () => {
      c.dispose();
      setClient((current) => (current === c ? null : current));
    };
    // `name` is applied by the effect below; clientOptions is read once.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [room, clientId, enabled, url]);

  useEffect(() => {
    client?.setName(name);
  }, [client, name]);

  const snapshot = useSyncExternalStore(
    client ? client.subscribe : noSubscribe,
    client ? client.getSnapshot : idleSnapshot,
    idleSnapshot,
  );

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
