"use client";

import { useRouter } from "next/navigation";
import { useId, useRef, useState, type FormEvent } from "react";
import { z } from "zod";
import { useDismiss } from "@/hooks/use-dismiss";
import { ROOM_CAPACITY, ROOM_TTL } from "@/lib/protocol";
import { readApiError } from "@/lib/ui/api-error";
import { cn } from "@/lib/ui/cn";
import { Icon } from "../icons";

const createdRoom = z.object({ roomId: z.string().min(1) });

async function createError(res: Response): Promise<string> {
  const error = await readApiError(res);
  if (error) return error.message;
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
  const [ttlSeconds, setTtlSeconds] = useState<number>(ROOM_TTL.default);
  const [capacityDraft, setCapacityDraft] = useState<string>(String(ROOM_CAPACITY.default));
  const wrapper = useRef<HTMLDivElement>(null);
  const optionsButton = useRef<HTMLButtonElement>(null);
  const formId = useId();
  const ttlId = useId();
  const capacityId = useId();
  const capacityHintId = useId();

  const capacity = Number(capacityDraft);
  const capacityValid = Number.isInteger(capacity) && capacity >= ROOM_CAPACITY.min && capacity <= ROOM_CAPACITY.max;

  useDismiss(wrapper, optionsOpen, (reason) => {
    setOptionsOpen(false);
    if (reason === "escape") optionsButton.current?.focus();
  });

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
        setError(await createError(res));
        return;
      }
      const body = createdRoom.safeParse(await res.json());
      if (!body.success) {
        setError("The server answered without a room id. Try again.");
        return;
      }
      setOptionsOpen(false);
      router.push(`/room/${encodeURIComponent(body.data.roomId)}`);
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
          className="focus-ring rounded-l-lg border border-orange-400/40 bg-orange-500/10 px-3 py-1.5 text-xs font-semibold whitespace-nowrap text-orange-200 hover:bg-orange-500/20 disabled:opacity-60"
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
          className="focus-ring rounded-r-lg border border-l-0 border-orange-400/40 bg-orange-500/10 px-1.5 text-orange-200 hover:bg-orange-500/20"
        >
          <Icon name="chevronDown" className={cn("transition-transform", optionsOpen && "rotate-180")} />
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
            min={ROOM_CAPACITY.min}
            max={ROOM_CAPACITY.max}
            step={1}
            value={capacityDraft}
            onChange={(e) => setCapacityDraft(e.target.value)}
            aria-invalid={capacityValid ? undefined : true}
            aria-describedby={capacityHintId}
            className="w-full rounded-lg border border-white/15 bg-zinc-950 px-2 py-1.5 text-zinc-100 focus:border-orange-400 focus:outline-none aria-[invalid]:border-rose-400"
          />
          <p id={capacityHintId} className={cn("mt-1 text-xs", capacityValid ? "text-zinc-500" : "text-rose-300")}>
            {ROOM_CAPACITY.min}–{ROOM_CAPACITY.max} seats, you included. A seat is one browser.
          </p>
          <button
            type="submit"
            data-testid="create-room-submit"
            disabled={busy || !capacityValid}
            className="focus-ring mt-3 w-full rounded-lg bg-orange-500 py-1.5 font-semibold text-zinc-950 hover:bg-orange-400 disabled:opacity-60"
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
          <button
            type="button"
            onClick={() => setError(null)}
            className="focus-ring ml-2 rounded text-rose-300 underline"
          >
            Dismiss
          </button>
        </p>
      ) : null}
    </div>
  );
}
