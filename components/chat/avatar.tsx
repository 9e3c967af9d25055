"use client";

import BoringAvatar from "boring-avatars";
import { cn } from "@/lib/ui/cn";

const COLORS = ["#f97316", "#fb7185", "#a78bfa", "#38bdf8", "#facc15"];

/** A generated avatar, derived from the clientId (stable per tab, whatever the name). */
export function Avatar({ clientId, size = 32, className }: { clientId: string; size?: number; className?: string }) {
  return (
    <span
      aria-hidden="true"
      className={cn("inline-flex shrink-0 overflow-hidden rounded-full", className)}
      style={{ width: size, height: size }}
    >
      <BoringAvatar name={clientId} variant="beam" size={size} colors={COLORS} />
    </span>
  );
}
