"use client";

import { useRouter } from "next/navigation";
import { useCallback, useEffect, useState } from "react";
import { z } from "zod";
import { readApiError } from "@/lib/ui/api-error";
import { whenShown } from "@/lib/ui/when-shown";

/** `POST /api/rooms/:id/join`. */
const claimed = z.object({ roomId: z.string(), expiresAt: z.number(), capacity: z.number(), members: z.number() });

export type SeatClaim =
  | { state: "claiming" }
  | { state: "seated"; members: number }
  | { state: "failed"; message: string; retry: () => void };

/** Codes that end on the lobby's visible error instead of a retry. */
const LOBBY_ERRORS = new Set(["room_full", "room_not_found"]);

async function failure(res: Response): Promise<{ lobby: string } | { message: string }> {
  const error = await readApiError(res);
  // A malformed id (400) cannot name a room either.
  const code = res.status === 400 ? "room_not_found" : error?.code;
  if (code && LOBBY_ERRORS.has(code)) return { lobby: code };
  if (res.status === 429) return { message: "Too many attempts to join rooms. Wait a moment and try again." };
  return { message: error?.message ?? `Your seat could not be taken (HTTP ${res.status}). Try again.` };
}

/**
 * Takes this browser's seat in a private room once the page is shown to a person (never while it
 * is only prerendered): the page view itself takes none, so link previews and prefetches cannot
 * fill a room. The claim is idempotent, so the creator (seated by `POST /api/rooms`) keeps the
 * seat it has. A full or unknown room sends the browser to the lobby's `?error=…`; anything else
 * (offline, rate limited, Redis down) can be retried.
 */
export function useSeatClaim(roomId: string): SeatClaim {
  const router = useRouter();
  const [attempt, setAttempt] = useState(0);
  const [claim, setClaim] = useState<SeatClaim>({ state: "claiming" });
  const retry = useCallback(() => {
    setClaim({ state: "claiming" });
    setAttempt((n) => n + 1);
  }, []);

  useEffect(() => {
    const controller = new AbortController();
    const run = async () => {
      await whenShown(document);
      if (controller.signal.aborted) return;
      try {
        const res = await fetch(`/api/rooms/${encodeURIComponent(roomId)}/join`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: "{}",
          cache: "no-store",
          signal: controller.signal,
        });
        if (res.ok) {
          const body = claimed.safeParse(await res.json());
          setClaim(
            body.success
              ? { state: "seated", members: body.data.members }
              : { state: "failed", message: "The server answered the seat claim oddly. Try again.", retry },
          );
          return;
        }
        const problem = await failure(res);
        if ("lobby" in problem) router.replace(`/?error=${problem.lobby}`);
        else setClaim({ state: "failed", message: problem.message, retry });
      } catch {
        if (controller.signal.aborted) return;
        setClaim({ state: "failed", message: "Could not reach the server to take your seat. Try again.", retry });
      }
    };
    void run();
    return () => controller.abort();
  }, [roomId, attempt, retry, router]);

  return claim;
}
