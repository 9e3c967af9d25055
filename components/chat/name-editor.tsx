"use client";

import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { validateName } from "@/lib/client/identity";
import { MAX_NAME_CHARS } from "@/lib/protocol";
import { Avatar } from "./avatar";

/** Shows "you" (avatar + name) and edits the name in place. */
export function NameEditor({
  clientId,
  name,
  onChange,
}: {
  clientId: string;
  name: string;
  onChange: (name: string) => void;
}) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(name);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const inputId = useId();
  const errorId = useId();

  useEffect(() => {
    if (editing) input.current?.select();
  }, [editing]);

  const close = () => {
    setEditing(false);
    setError(null);
    requestAnimationFrame(() => button.current?.focus());
  };

  const save = (e: FormEvent) => {
    e.preventDefault();
    const v = validateName(draft);
    if (!v.ok) return setError(v.message);
    if (v.name !== name) onChange(v.name);
    close();
  };

  if (!editing) {
    return (
      <button
        ref={button}
        type="button"
        data-testid="name-editor-open"
        onClick={() => {
          setDraft(name);
          setEditing(true);
        }}
        className="group flex max-w-full min-w-0 items-center gap-2 rounded-full py-0.5 pr-2.5 pl-0.5 text-sm text-zinc-200 hover:bg-white/5 focus-visible:outline-2 focus-visible:outline-orange-400"
        aria-label={`You are ${name}. Change your name`}
      >
        <Avatar clientId={clientId} size={26} />
        <span data-testid="self-name" className="truncate">
          {name}
        </span>
        <svg
          aria-hidden="true"
          viewBox="0 0 20 20"
          className="size-3.5 shrink-0 fill-zinc-500 group-hover:fill-zinc-300"
        >
          <path d="M13.6 3.3a2 2 0 0 1 2.8 2.8l-8.9 8.9-3.6.8.8-3.6 8.9-8.9Z" />
        </svg>
      </button>
    );
  }
  return (
    <form onSubmit={save} className="flex min-w-0 items-center gap-1.5" data-testid="name-editor">
      <label htmlFor={inputId} className="sr-only">
        Your name
      </label>
      <input
        ref={input}
        id={inputId}
        data-testid="name-editor-input"
        value={draft}
        maxLength={MAX_NAME_CHARS * 2}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : undefined}
        onChange={(e) => {
          setDraft(e.target.value);
          setError(null);
        }}
        onKeyDown={(e) => e.key === "Escape" && close()}
        className="w-36 min-w-0 rounded-lg border border-white/15 bg-zinc-900 px-2 py-1 text-sm text-zinc-100 focus:border-orange-400 focus:outline-none sm:w-44"
      />
      <button
        type="submit"
        data-testid="name-editor-save"
        className="rounded-lg bg-orange-500 px-2.5 py-1 text-xs font-semibold text-zinc-950 hover:bg-orange-400 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-orange-300"
      >
        Save
      </button>
      <button
        type="button"
        onClick={close}
        className="rounded-lg px-2 py-1 text-xs text-zinc-400 hover:text-zinc-200 focus-visible:outline-2 focus-visible:outline-orange-400"
      >
        Cancel
      </button>
      {error ? (
        <span id={errorId} role="alert" className="text-xs text-rose-300">
          {error}
        </span>
      ) : null}
    </form>
  );
}
