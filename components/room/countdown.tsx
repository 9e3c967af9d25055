"use client";

import { useNow } from "@/hooks/use-now";
import { cn } from "@/lib/ui/cn";
import { Icon } from "../icons";

const URGENT_MS = 60_000;

/** "09:59", or "1:05:00" from an hour up. */
export function formatRemaining(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = String(m).padStart(2, "0");
  const ss = String(s).padStart(2, "0");
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** What a screen reader hears: once a minute, then once under a minute, then at the end. */
export function spokenRemaining(ms: number): string {
  if (ms <= 0) return "The room is self-destructing now.";
  if (ms < URGENT_MS) return "Less than a minute left before this room self-destructs.";
  const minutes = Math.ceil(ms / 60_000);
  if (minutes >= 120 && minutes % 60 === 0) return `${minutes / 60} hours left before this room self-destructs.`;
  return `${minutes} minute${minutes === 1 ? "" : "s"} left before this room self-destructs.`;
}

/**
 * Time left until the server's `expiresAt` (corrected by the server/browser clock difference).
 * Ticks every second on screen; the live region only changes once a minute.
 */
export function Countdown({ expiresAt, skewMs }: { expiresAt: number; skewMs: number }) {
  const now = useNow(250);
  const remaining = now === null ? null : expiresAt - (now + skewMs);
  const urgent = remaining !== null && remaining < URGENT_MS;
  return (
    <span
      data-testid="countdown"
      data-urgent={urgent ? "true" : "false"}
      title="Time left before this room self-destructs"
      className={cn(
        "inline-flex items-center gap-1 rounded-full border px-2 py-1 font-mono text-xs font-semibold whitespace-nowrap tabular-nums",
        urgent
          ? "animate-pulse border-rose-500/60 bg-rose-500/15 text-rose-200"
          : "border-white/10 bg-white/5 text-zinc-200",
      )}
    >
      <Icon name="clock" className="size-3.5 opacity-80" />
      <span aria-hidden="true" data-testid="countdown-value">
        {remaining === null ? "--:--" : formatRemaining(remaining)}
      </span>
      <span className="sr-only" aria-live="polite" aria-atomic="true">
        {remaining === null ? "" : spokenRemaining(remaining)}
      </span>
    </span>
  );
}
