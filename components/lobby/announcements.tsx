"use client";

import { formatTime } from "@/lib/client/format";
import { cn } from "@/lib/ui/cn";
import { Icon } from "../icons";
import { useAnnouncements } from "./use-announcements";

/**
 * Live notices from the "announcements" channel (emitted by server code or `POST /api/realtime/emit`),
 * newest first, above the lobby's conversation. New ones are read out politely by screen readers.
 */
export function Announcements() {
  const { announcements, status, error } = useAnnouncements();
  return (
    <section
      aria-label="Announcements"
      data-testid="announcements"
      data-status={status}
      className={cn("border-b border-white/10 bg-orange-500/5", announcements.length === 0 && !error && "hidden")}
    >
      <div role="status" aria-live="polite" aria-relevant="additions text">
        <ul className="divide-y divide-white/5">
          {announcements.map((a, i) => (
            <li
              key={a.id}
              data-testid="announcement"
              data-id={a.id}
              className={cn(
                "flex items-baseline gap-2 px-3 py-1.5 text-sm sm:px-4",
                i === 0 ? "text-orange-100" : "text-zinc-400",
              )}
            >
              <Icon name="megaphone" className="size-3.5 shrink-0 translate-y-0.5 fill-orange-300" />
              <p className="min-w-0 flex-1 break-words">
                <span data-testid="announcement-text">{a.text}</span>
                {a.by ? <span className="text-zinc-500"> — {a.by}</span> : null}
              </p>
              <time dateTime={new Date(a.ts).toISOString()} className="shrink-0 text-xs text-zinc-500">
                {formatTime(a.ts)}
              </time>
            </li>
          ))}
        </ul>
        {error ? (
          <p data-testid="announcements-error" className="px-3 py-1.5 text-xs text-amber-200 sm:px-4">
            Announcements are unavailable: {error}
          </p>
        ) : null}
      </div>
    </section>
  );
}
