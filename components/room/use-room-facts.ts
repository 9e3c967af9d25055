"use client";

import { useEffect, useRef, useState } from "react";
import { z } from "zod";
import type { RoomFacts } from "./private-room";

const POLL_MS = 10_000;
/** Clock differences smaller than this are network latency, not a wrong clock: ignored. */
const SKEW_THRESHOLD_MS = 1500;

export type LiveRoomFacts = {
  expiresAt: number | null;
  capacity: number | null;
  members: number | null;
  /** Server clock minus this browser's clock (0 when they agree within latency). */
  skewMs: number;
};

/** `GET /api/rooms/:id`. */
const roomView = z.object({ expiresAt: z.number(), ttl: z.number(), capacity: z.number(), members: z.number() });

function skewFrom(serverNow: number, clientNow: number): number {
  const skew = serverNow - clientNow;
  return Math.abs(skew) < SKEW_THRESHOLD_MS ? 0 : skew;
}

/**
 * The room's expiry, capacity and seats taken: from the page's server render, then `GET
 * /api/rooms/:id` every 10 s and whenever `presenceKey` changes. Expiry and capacity from the
 * socket's `joined` frame win over both. Also estimates how far this browser's clock is off the
 * server's, so the countdown follows the server's expiry rather than the local clock.
 */
export function useRoomFacts(
  roomId: string,
  initial: RoomFacts | null,
  live: { expiresAt: number | null; capacity: number | null; presenceKey: string; active: boolean },
): LiveRoomFacts {
  const [polled, setPolled] = useState<{ expiresAt: number; capacity: number; members: number } | null>(
    initial ? { expiresAt: initial.expiresAt, capacity: initial.capacity, members: initial.members } : null,
  );
  const [skewMs, setSkewMs] = useState(0);
  const seededSkew = useRef(false);

  useEffect(() => {
    if (seededSkew.current || !initial) return;
    seededSkew.current = true;
    setSkewMs(skewFrom(initial.serverNow, Date.now()));
  }, [initial]);

  const { presenceKey, active } = live;
  useEffect(() => {
    if (!active) return;
    const controller = new AbortController();
    const load = async () => {
      const sent = Date.now();
      try {
        const res = await fetch(`/api/rooms/${encodeURIComponent(roomId)}`, {
          cache: "no-store",
          signal: controller.signal,
        });
        if (!res.ok) return; // 404: the socket announces the end; other errors: try again next time
        const parsed = roomView.safeParse(await res.json());
        if (!parsed.success) return;
        const body = parsed.data;
        const received = Date.now();
        setPolled({ expiresAt: body.expiresAt, capacity: body.capacity, members: body.members });
        // `ttl` is whole seconds left when the server answered: the server's clock was about
        // expiresAt - ttl·1000 - 500 ms at the midpoint of the request.
        setSkewMs(skewFrom(body.expiresAt - body.ttl * 1000 - 500, (sent + received) / 2));
      } catch {
        // Offline or aborted: the next tick tries again.
      }
    };
    void load();
    const timer = setInterval(() => void load(), POLL_MS);
    return () => {
      controller.abort();
      clearInterval(timer);
    };
  }, [roomId, presenceKey, active]);

  return {
    expiresAt: live.expiresAt ?? polled?.expiresAt ?? null,
    capacity: live.capacity ?? polled?.capacity ?? null,
    members: polled?.members ?? null,
    skewMs,
  };
}
