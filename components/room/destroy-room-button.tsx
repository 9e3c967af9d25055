"use client";

import { useId, useRef, useState } from "react";
import { readApiError } from "@/lib/ui/api-error";
import { Icon } from "../icons";

async function destroyError(res: Response): Promise<string> {
  if (res.status === 401)
    return "Only people with a seat in this room can destroy it. Reload the page to take your seat again.";
  if (res.status === 404) return "This room no longer exists.";
  const error = await readApiError(res);
  return error?.message ?? `The room could not be destroyed (HTTP ${res.status}). Try again.`;
}

/** "Destroy now": asks first (a modal dialog), then `DELETE /api/rooms/:id`. */
export function DestroyRoomButton({ roomId }: { roomId: string }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const titleId = useId();
  const descId = useId();
  const errorId = useId();

  const open = () => {
    setError(null);
    dialog.current?.showModal();
  };

  const destroy = async () => {
    setBusy(true);
    setError(null);
    try {
      // JSON content type: the API refuses state changes that a plain cross-site form could send.
      const res = await fetch(`/api/rooms/${encodeURIComponent(roomId)}`, {
        method: "DELETE",
        headers: { "content-type": "application/json" },
      });
      if (res.status === 204) {
        // Every connection, this one included, now gets `destroyed` and shows the end screen.
        dialog.current?.close();
        return;
      }
      setError(await destroyError(res));
    } catch {
      setError("Could not reach the server. Check your connection and try again.");
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <button
        type="button"
        data-testid="destroy-room"
        onClick={open}
        aria-haspopup="dialog"
        className="focus-ring focus-ring-danger inline-flex min-h-7 items-center gap-1 rounded-lg border border-rose-500/40 bg-rose-500/10 px-2 py-1 text-xs font-semibold whitespace-nowrap text-rose-200 hover:bg-rose-500/20"
      >
        <Icon name="trash" className="size-3.5" />
        <span className="sr-only sm:not-sr-only">Destroy now</span>
      </button>
      <dialog
        ref={dialog}
        aria-labelledby={titleId}
        aria-describedby={descId}
        data-testid="destroy-dialog"
        onClose={() => setError(null)}
        className="m-auto w-[min(24rem,calc(100vw-2rem))] rounded-2xl border border-white/10 bg-zinc-900 p-0 text-zinc-100 shadow-2xl backdrop:bg-black/70 backdrop:backdrop-blur-sm"
      >
        <div className="p-5">
          <h2 id={titleId} className="text-base font-semibold">
            Destroy this room for everyone?
          </h2>
          <p id={descId} className="mt-2 text-sm text-zinc-400">
            Everyone in it is disconnected and its messages are deleted. This cannot be undone.
          </p>
          {error ? (
            <p
              id={errorId}
              role="alert"
              data-testid="destroy-error"
              className="mt-3 rounded-lg border border-rose-500/40 bg-rose-950/60 px-3 py-2 text-sm text-rose-100"
            >
              {error}
            </p>
          ) : null}
          <div className="mt-5 flex justify-end gap-2">
            <button
              type="button"
              autoFocus
              onClick={() => dialog.current?.close()}
              className="focus-ring rounded-lg px-3 py-1.5 text-sm text-zinc-300 hover:bg-white/10"
            >
              Cancel
            </button>
            <button
              type="button"
              data-testid="confirm-destroy"
              disabled={busy}
              aria-describedby={error ? errorId : undefined}
              onClick={() => void destroy()}
              className="focus-ring focus-ring-danger rounded-lg bg-rose-600 px-3 py-1.5 text-sm font-semibold text-white hover:bg-rose-500 disabled:opacity-60"
            >
              {busy ? "Destroying…" : "Destroy now"}
            </button>
          </div>
        </div>
      </dialog>
    </>
  );
}
