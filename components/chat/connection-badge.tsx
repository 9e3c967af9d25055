"use client";

import { useNow } from "@/hooks/use-now";
import { statusLabel } from "@/lib/client/format";
import type { ConnectionStatus } from "@/lib/client/room-client";
import { cn } from "@/lib/ui/cn";

const DOT: Record<ConnectionStatus["state"], string> = {
  idle: "bg-zinc-500",
  connecting: "bg-amber-400 animate-pulse",
  connected: "bg-emerald-400",
  reconnecting: "bg-amber-400",
  offline: "bg-zinc-500",
  ended: "bg-rose-500",
};

export function ConnectionBadge({ status, onRetryNow }: { status: ConnectionStatus; onRetryNow: () => void }) {
  // Only "Reconnecting in N s…" depends on the time.
  const now = useNow(250, status.state === "reconnecting");
  const label = statusLabel(status, now ?? undefined);
  return (
    <span className="inline-flex items-center gap-2">
      <span
        data-testid="connection-badge"
        data-state={status.state}
        data-via={status.state === "connected" ? (status.via ?? "websocket") : undefined}
        title={
          status.state === "connected" && status.via === "fallback"
            ? "This network or deployment does not let WebSockets through: messages still arrive and send, but typing and your presence are not shown."
            : undefined
        }
        role="status"
        aria-live="polite"
        className="inline-flex items-center gap-1.5 rounded-full border border-white/10 bg-white/5 px-2.5 py-1 text-xs font-medium whitespace-nowrap text-zinc-300"
      >
        <span aria-hidden="true" className={cn("size-2 rounded-full", DOT[status.state])} />
        {label}
      </span>
      {status.state === "reconnecting" ? (
        <button
          type="button"
          onClick={onRetryNow}
          className="focus-ring hidden rounded text-xs text-orange-300 underline-offset-2 hover:underline sm:inline"
        >
          Retry now
        </button>
      ) : null}
    </span>
  );
}
