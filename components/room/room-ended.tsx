"use client";

import Link from "next/link";
import { useEffect, useRef } from "react";
import type { ConnectionStatus } from "@/lib/client/room-client";
import { Icon, type IconName } from "../icons";

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

const ICONS: Record<Ended["reason"], IconName> = {
  expired: "clock",
  destroyed: "trash",
  room_not_found: "alert",
  unauthorized: "alert",
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
          <Icon name={ICONS[status.reason]} className="size-6" />
        </div>
        <h2 className="text-lg font-semibold text-zinc-50">{copy.title}</h2>
        <p className="mt-2 text-sm text-zinc-400">{copy.body}</p>
        <Link
          ref={back}
          href="/"
          data-testid="back-to-lobby"
          className="focus-ring mt-5 inline-block rounded-lg bg-orange-500 px-4 py-2 text-sm font-semibold text-zinc-950 hover:bg-orange-400"
        >
          Back to the lobby
        </Link>
      </div>
    </div>
  );
}
