"use client";

import { useId, useState, type FormEvent } from "react";
import { validateName } from "@/lib/client/identity";
import { MAX_NAME_CHARS } from "@/lib/protocol";
import { Avatar } from "./avatar";

/** Before the first join in a tab: confirm or change the suggested name. */
export function JoinGate({
  clientId,
  suggestedName,
  roomLabel,
  onJoin,
}: {
  clientId: string;
  suggestedName: string;
  roomLabel: string;
  onJoin: (name: string) => void;
}) {
  const [draft, setDraft] = useState(suggestedName);
  const [error, setError] = useState<string | null>(null);
  const inputId = useId();
  const errorId = useId();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const v = validateName(draft);
    if (!v.ok) return setError(v.message);
    onJoin(v.name);
  };

  return (
    <div className="flex flex-1 items-center justify-center p-4">
      <form
        onSubmit={submit}
        data-testid="join-gate"
        className="w-full max-w-sm rounded-2xl border border-white/10 bg-zinc-900/70 p-6 shadow-2xl"
      >
        <div className="mb-5 flex items-center gap-3">
          <Avatar clientId={clientId} size={48} />
          <div>
            <h1 className="text-lg font-semibold text-zinc-100">Join {roomLabel}</h1>
            <p className="text-sm text-zinc-400">Pick a name. You can change it later.</p>
          </div>
        </div>
        <label htmlFor={inputId} className="mb-1.5 block text-sm font-medium text-zinc-300">
          Your name
        </label>
        <input
          id={inputId}
          data-testid="join-name-input"
          value={draft}
          autoFocus
          maxLength={MAX_NAME_CHARS * 2}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? errorId : undefined}
          onChange={(e) => {
            setDraft(e.target.value);
            setError(null);
          }}
          className="w-full rounded-lg border border-white/15 bg-zinc-950 px-3 py-2 text-zinc-100 focus:border-orange-400 focus:outline-none"
        />
        {error ? (
          <p id={errorId} role="alert" className="mt-1.5 text-sm text-rose-300">
            {error}
          </p>
        ) : null}
        <button
          type="submit"
          data-testid="join-button"
          className="mt-4 w-full rounded-lg bg-orange-500 py-2 font-semibold text-zinc-950 hover:bg-orange-400 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-orange-300"
        >
          Join
        </button>
      </form>
    </div>
  );
}
