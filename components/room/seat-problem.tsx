"use client";

import Link from "next/link";
import { Icon } from "../icons";

/** The seat could not be taken for a reason that may pass (offline, rate limited, Redis down). */
export function SeatProblem({ message, onRetry }: { message: string; onRetry: () => void }) {
  return (
    <div className="flex flex-1 items-center justify-center p-4">
      <div
        role="alert"
        data-testid="seat-problem"
        className="w-full max-w-sm rounded-2xl border border-white/10 bg-zinc-900 p-6 text-center shadow-2xl"
      >
        <Icon name="alert" className="mx-auto size-8 fill-amber-300" />
        <p className="mt-3 text-sm text-zinc-200">{message}</p>
        <div className="mt-5 flex justify-center gap-2">
          <Link href="/" className="focus-ring rounded-lg px-3 py-1.5 text-sm text-zinc-300 hover:bg-white/10">
            Back to the lobby
          </Link>
          <button
            type="button"
            data-testid="seat-retry"
            onClick={onRetry}
            className="focus-ring rounded-lg bg-orange-500 px-3 py-1.5 text-sm font-semibold text-zinc-950 hover:bg-orange-400"
          >
            Try again
          </button>
        </div>
      </div>
    </div>
  );
}
