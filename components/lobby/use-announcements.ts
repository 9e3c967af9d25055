"use client";

import { useState } from "react";
import { useRealtime } from "@/hooks/use-app-realtime";
import type { ANNOUNCEMENTS } from "@/lib/app-realtime";
import type { RealtimeStatus } from "@/lib/client/realtime/react";

/** The channel name, tied by type to lib/app-realtime.ts without bundling its server code. */
const CHANNEL: typeof ANNOUNCEMENTS = "announcements";
/** How many announcements the lobby shows (and replays when it opens). */
export const SHOWN_ANNOUNCEMENTS = 3;

export type Announcement = { id: string; text: string; by: string | undefined; ts: number };

/** The newest announcements, newest first: the last few on arrival, then each one live; retracted ones go. */
export function useAnnouncements(): { announcements: Announcement[]; status: RealtimeStatus; error: string | null } {
  const [announcements, setAnnouncements] = useState<Announcement[]>([]);
  const { status, errors } = useRealtime({
    channels: [CHANNEL],
    events: ["announcement.posted", "announcement.retracted"],
    // Room for retractions among the replayed events.
    history: SHOWN_ANNOUNCEMENTS * 2,
    onData: (e) =>
      setAnnouncements((prev) => {
        if (e.event === "announcement.retracted") return prev.filter((a) => a.id !== e.data.id);
        const { id, ts, data } = e;
        return [{ id, ts, text: data.text, by: data.by }, ...prev.filter((a) => a.id !== id)].slice(
          0,
          SHOWN_ANNOUNCEMENTS,
        );
      }),
  });
  return { announcements, status, error: errors[0]?.message ?? null };
}
