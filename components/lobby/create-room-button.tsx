"use client";

import { useRouter } from "next/navigation";
import { useEffect, useId, useRef, useState, type FormEvent } from "react";

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

const TTL_CHOICES = [
  { seconds: 60, label: "1 minute" },
  { seconds: 600, label: "10 minutes" },
  { seconds: 3600, label: "1 hour" },
  { seconds: 86_400, label: "24 hours" },
] as const;
const DEFAULT_TTL = 600;
const CAPACITY = { min: 2, max: 50, default: 2 } as const;

/**
 * POST /api/rooms, then open /room/<id>; shows a readable error when that fails. The main button
 * creates a room with the current settings (10 minutes, 2 seats unless changed); the chevron opens
 * a small form to choose the lifetime and the number of seats. The creator's seat cookie comes
 * with the POST answer, and /room/<id> keeps it (the seat claim is idempotent).
 */
export function CreateRoomButton() {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [optionsOpen, setOptionsOpen] = useState(false);
  const [ttlSeconds, setTtlSeconds] = useState<number>(DEFAULT_TTL);
  const [capacityDraft, setCapacityDraft] = useState<string>(String(CAPACITY.default));
  const wrapper = useRef<HTMLDivElement>(null);
  const optionsButton = useRef<HTMLButtonElement>(null);
  const formId = useId();
  const ttlId = useId();
  const capacityId = useId();
  const capacityHintId = useId();

  const capacity = Number(capacityDraft);
  const capacityValid = Number.isInteger(capacity) && capacity >= CAPACITY.min && capacity <= CAPACITY.max;

  // The options popover closes on Escape and on a click outside it.
  useEffect(() => {
    if (!optionsOpen) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape") return;
      setOptionsOpen(false);
      optionsButton.current?.focus();
    };
    const onPointer = (e: PointerEvent) => {
      if (wrapper.current && !wrapper.current.contains(e.target as Node)) setOptionsOpen(false);
    };
    document.addEventListener("keydown", onKey);
    document.addEventListener("pointerdown", onPointer);
    return () => {
      document.removeEventListener("keydown", onKey);
      document.removeEventListener("pointerdown", onPointer);
    };
  }, [optionsOpen]);

  const create = async () => {
    if (!capacityValid) {
      setOptionsOpen(true);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const res = await fetch("/api/rooms", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ ttlSeconds, capacity }),
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
      setOptionsOpen(false);
      router.push(`/room/${encodeURIComponent(body.roomId)}`);
    } catch {
      setError("Could not reach the server. Check your connection and try again.");
    } finally {
      setBusy(false);
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void create();
  };

  return (
    <div ref={wrapper} className="relative flex items-center">
      <div className="flex items-stretch">
        <button
          type="button"
          data-testid="create-room"
          onClick={() => void create()}
          disabled={busy}
          aria-describedby={error ? "create-room-error" : undefined}
          className="rounded-l-lg border border-orange-400/40 bg-orange-500/10 px-3 py-1.5 text-xs font-semibold whitespace-nowrap text-orange-200 hover:bg-orange-500/20 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-orange-300 disabled:opacity-60"
        >
          {busy ? "Creating…" : "Create a private room"}
        </button>
        <button
          ref={optionsButton}
          type="button"
          data-testid="create-room-options"
          aria-label="Private room options"
          aria-expanded={optionsOpen}
          aria-controls={formId}
          onClick={() => setOptionsOpen((o) => !o)}
          className="rounded-r-lg border border-l-0 border-orange-400/40 bg-orange-500/10 px-1.5 text-orange-200 hover:bg-orange-500/20 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-orange-300"
        >
          <svg
            aria-hidden="true"
            viewBox="0 0 20 20"
            className={`size-4 fill-current transition-transform ${optionsOpen ? "rotate-180" : ""}`}
          >
            <path d="M5.3 7.3a1 1 0 0 1 1.4 0L10 10.6l3.3-3.3a1 1 0 1 1 1.4 1.4l-4 4a1 1 0 0 1-1.4 0l-4-4a1 1 0 0 1 0-1.4Z" />
          </svg>
        </button>
      </div>
      {optionsOpen ? (
        <form
          id={formId}
          onSubmit={submit}
          data-testid="create-room-form"
          aria-label="New private room"
          className="absolute top-full right-0 z-30 mt-2 w-64 max-w-[calc(100vw-1.5rem)] rounded-xl border border-white/10 bg-zinc-900 p-3 text-sm shadow-2xl"
        >
          <label htmlFor={ttlId} className="mb-1 block text-xs font-medium text-zinc-300">
            Self-destructs after
          </label>
          <select
            id={ttlId}
            data-testid="create-room-ttl"
            value={ttlSeconds}
            autoFocus
            onChange={(e) => setTtlSeconds(Number(e.target.value))}
            className="w-full rounded-lg border border-white/15 bg-zinc-950 px-2 py-1.5 text-zinc-100 focus:border-orange-400 focus:outline-none"
          >
            {TTL_CHOICES.map((c) => (
              <option key={c.seconds} value={c.seconds}>
                {c.label}
              </option>
            ))}
          </select>
          <label htmlFor={capacityId} className="mt-3 mb-1 block text-xs font-medium text-zinc-300">
            Seats (people)
          </label>
          <input
            id={capacityId}
            data-testid="create-room-capacity"
            type="number"
            inputMode="numeric"
            min={CAPACITY.min}
            max={CAPACITY.max}
            step={1}
            value={capacityDraft}
            onChange={(e) => setCapacityDraft(e.target.value)}
            aria-invalid={capacityValid ? undefined : true}
            aria-describedby={capacityHintId}
            className="w-full rounded-lg border border-white/15 bg-zinc-950 px-2 py-1.5 text-zinc-100 focus:border-orange-400 focus:outline-none aria-[invalid]:border-rose-400"
          />
          <p id={capacityHintId} className={`mt-1 text-xs ${capacityValid ? "text-zinc-500" : "text-rose-300"}`}>
            {CAPACITY.min}–{CAPACITY.max} seats, you included. A seat is one browser.
          </p>
          <button
            type="submit"
            data-testid="create-room-submit"
            disabled={busy || !capacityValid}
            className="mt-3 w-full rounded-lg bg-orange-500 py-1.5 font-semibold text-zinc-950 hover:bg-orange-400 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-orange-300 disabled:opacity-60"
          >
            {busy ? "Creating…" : "Create room"}
          </button>
        </form>
      ) : null}
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
