"use client";

import Link from "next/link";
import { useEffect, useRef } from "react";
import type { ConnectionStatus } from "@/lib/client/room-client";

type Ended = Extract<ConnectionStatus, { state: "ended" }>;

const COPY: Record<Ended["reason"], { title: string; body: string }> = {
  destroyed: {
    title: "This room was destroyed",
    body: "Someone with a seat pressed “Destroy now”. Its messages are gone for everyone.",
  },
  expired: {
    title: "This room expired — it self-destructed as planned",
    body: "Its time ran out, and its messages went with it.",
  },
  room_not_found: {
    title: "This room no longer exists",
    body: "It expired or was destroyed before you got here.",
  },
  unauthorized: {
    title: "You don't have a seat in this room",
    body: "Your seat could not be confirmed. Reload to try to take one, or go back to the lobby.",
  },
};

const CLOCK =
  "M10 2a8 8 0 1 0 0 16 8 8 0 0 0 0-16Zm.75 4a.75.75 0 0 0-1.5 0v4c0 .2.08.39.22.53l2.5 2.5a.75.75 0 1 0 1.06-1.06l-2.28-2.28V6Z";
const TRASH =
  "M8 2a1 1 0 0 0-1 1v1H4a1 1 0 0 0 0 2h12a1 1 0 1 0 0-2h-3V3a1 1 0 0 0-1-1H8Zm-3 6 .7 8.2A2 2 0 0 0 7.7 18h4.6a2 2 0 0 0 2-1.8L15 8H5Z";
const ALERT =
  "M10 2a8 8 0 1 0 0 16 8 8 0 0 0 0-16Zm0 4a1 1 0 0 1 1 1v3.5a1 1 0 1 1-2 0V7a1 1 0 0 1 1-1Zm0 8.5a1.1 1.1 0 1 1 0-2.2 1.1 1.1 0 0 1 0 2.2Z";
const ICONS: Record<Ended["reason"], string> = {
  expired: CLOCK,
  destroyed: TRASH,
  room_not_found: ALERT,
  unauthorized: ALERT,
};

/** The end screen, shown over the (now read-only) conversation once the room ended. */
export function RoomEnded({ status }: { status: ConnectionStatus }) {
  const back = useRef<HTMLAnchorElement>(null);
  useEffect(() => {
    back.current?.focus();
  }, []);
  if (status.state !== "ended") return null;
  const copy = COPY[status.reason];
  return (
    <div className="fixed inset-0 z-40 flex items-center justify-center bg-zinc-950/80 p-4 backdrop-blur-sm">
      <div
        data-testid="room-ended-card"
        data-reason={status.reason}
        className="w-full max-w-sm rounded-2xl border border-white/10 bg-zinc-900 p-6 text-center shadow-2xl"
      >
        <div
          aria-hidden="true"
          className="mx-auto mb-3 flex size-12 items-center justify-center rounded-full bg-orange-500/15 text-orange-300"
        >
          <svg viewBox="0 0 20 20" className="size-6 fill-current">
            <path fillRule="evenodd" clipRule="evenodd" d={ICONS[status.reason]} />
          </svg>
        </div>
        <h2 className="text-lg font-semibold text-zinc-50">{copy.title}</h2>
        <p className="mt-2 text-sm text-zinc-400">{copy.body}</p>
        <Link
          ref={back}
          href="/"
          data-testid="back-to-lobby"
          className="mt-5 inline-block rounded-lg bg-orange-500 px-4 py-2 text-sm font-semibold text-zinc-950 hover:bg-orange-400 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-orange-300"
        >
          Back to the lobby
        </Link>
      </div>
    </div>
  );
}
