"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";

type CreatedRoom = { roomId: string };

async function readError(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as { error?: { message?: unknown } };
    if (typeof body.error?.message === "string" && body.error.message) return body.error.message;
  } catch {
    // Not JSON (e.g. an HTML error page).
  }
  if (res.status === 404) return "Private rooms are not available on this server yet.";
  if (res.status === 429) return "Too many rooms created. Wait a moment and try again.";
  return `Could not create a room (HTTP ${res.status}). Try again.`;
}

/** POST /api/rooms, then open /room/<id>; shows a readable error when that fails. */
export function CreateRoomButton() {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const create = async () => {
    setBusy(true);
    setError(null);
    try {
      const res = await fetch("/api/rooms", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      if (!res.ok) {
        setError(await readError(res));
        return;
      }
      const body = (await res.json()) as Partial<CreatedRoom>;
      if (typeof body.roomId !== "string" || !body.roomId) {
        setError("The server answered without a room id. Try again.");
        return;
      }
      router.push(`/room/${encodeURIComponent(body.roomId)}`);
    } catch {
      setError("Could not reach the server. Check your connection and try again.");
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="relative flex items-center">
      <button
        type="button"
        data-testid="create-room"
        onClick={() => void create()}
        disabled={busy}
        aria-describedby={error ? "create-room-error" : undefined}
        className="rounded-lg border border-orange-400/40 bg-orange-500/10 px-3 py-1.5 text-xs font-semibold whitespace-nowrap text-orange-200 hover:bg-orange-500/20 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-orange-300 disabled:opacity-60"
      >
        {busy ? "Creating…" : "Create a private room"}
      </button>
      {error ? (
        <p
          id="create-room-error"
          role="alert"
          data-testid="create-room-error"
          className="absolute top-full right-0 z-20 mt-2 w-64 rounded-lg border border-rose-500/40 bg-rose-950/90 px-3 py-2 text-xs text-rose-100 shadow-xl"
        >
          {error}
          <button type="button" onClick={() => setError(null)} className="ml-2 text-rose-300 underline">
            Dismiss
          </button>
        </p>
      ) : null}
    </div>
  );
}
