"use client";

import type { FormEvent } from "react";
import { Avatar } from "./avatar";
import { NameField, useNameDraft } from "./name-field";

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
  const field = useNameDraft(suggestedName);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const name = field.validate();
    if (name !== null) onJoin(name);
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
        <NameField field={field} layout="stacked" testId="join-name-input" autoFocus />
        <button
          type="submit"
          data-testid="join-button"
          className="focus-ring mt-4 w-full rounded-lg bg-orange-500 py-2 font-semibold text-zinc-950 hover:bg-orange-400"
        >
          Join
        </button>
      </form>
    </div>
  );
}
