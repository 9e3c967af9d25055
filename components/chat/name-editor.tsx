"use client";

import { useEffect, useRef, useState, type FormEvent } from "react";
import { Icon } from "../icons";
import { Avatar } from "./avatar";
import { NameField, useNameDraft } from "./name-field";

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
  const field = useNameDraft(name);
  const input = useRef<HTMLInputElement>(null);
  const button = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (editing) input.current?.select();
  }, [editing]);

  const close = () => {
    setEditing(false);
    field.clearError();
    requestAnimationFrame(() => button.current?.focus());
  };

  const save = (e: FormEvent) => {
    e.preventDefault();
    const next = field.validate();
    if (next === null) return;
    if (next !== name) onChange(next);
    close();
  };

  if (!editing) {
    return (
      <button
        ref={button}
        type="button"
        data-testid="name-editor-open"
        onClick={() => {
          field.setDraft(name);
          setEditing(true);
        }}
        className="group focus-ring flex max-w-full min-w-0 items-center gap-2 rounded-full py-0.5 pr-2.5 pl-0.5 text-sm text-zinc-200 hover:bg-white/5"
        aria-label={`You are ${name}. Change your name`}
      >
        <Avatar clientId={clientId} size={26} />
        <span data-testid="self-name" className="truncate">
          <bdi>{name}</bdi>
        </span>
        <Icon name="pencil" className="size-3.5 shrink-0 fill-zinc-500 group-hover:fill-zinc-300" />
      </button>
    );
  }
  return (
    <form onSubmit={save} className="flex min-w-0 items-center gap-1.5" data-testid="name-editor">
      <NameField
        field={field}
        layout="inline"
        testId="name-editor-input"
        inputRef={input}
        onKeyDown={(e) => e.key === "Escape" && close()}
      />
      <button
        type="submit"
        data-testid="name-editor-save"
        className="focus-ring rounded-lg bg-orange-500 px-2.5 py-1 text-xs font-semibold text-zinc-950 hover:bg-orange-400"
      >
        Save
      </button>
      <button
        type="button"
        onClick={close}
        className="focus-ring rounded-lg px-2 py-1 text-xs text-zinc-400 hover:text-zinc-200"
      >
        Cancel
      </button>
    </form>
  );
}
