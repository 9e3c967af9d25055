"use client";

import { useId, useState, type KeyboardEvent, type Ref } from "react";
import { validateName } from "@/lib/client/identity";
import { MAX_NAME_CHARS } from "@/lib/protocol";
import { cn } from "@/lib/ui/cn";

/** The draft of a display name and its error, checked with the protocol's name rules. */
export function useNameDraft(initial: string) {
  const [draft, setDraftState] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  return {
    draft,
    error,
    setDraft(value: string) {
      setDraftState(value);
      setError(null);
    },
    clearError: () => setError(null),
    /** The name as the server will store it, or null (and the error is shown). */
    validate(): string | null {
      const v = validateName(draft);
      if (v.ok) return v.name;
      setError(v.message);
      return null;
    },
  };
}

export type NameDraft = ReturnType<typeof useNameDraft>;

/**
 * "Your name": a labelled input with its error. `stacked` shows the label and puts the error under
 * the input (the join form); `inline` keeps the label for screen readers only and floats the error
 * below, so a header row keeps its height.
 */
export function NameField({
  field,
  layout,
  testId,
  inputRef,
  autoFocus,
  onKeyDown,
}: {
  field: NameDraft;
  layout: "stacked" | "inline";
  testId: string;
  inputRef?: Ref<HTMLInputElement>;
  autoFocus?: boolean;
  onKeyDown?: (e: KeyboardEvent<HTMLInputElement>) => void;
}) {
  const inputId = useId();
  const errorId = useId();
  const stacked = layout === "stacked";
  return (
    <div className={cn("relative min-w-0", stacked ? "w-full" : "w-36 sm:w-44")}>
      <label htmlFor={inputId} className={stacked ? "mb-1.5 block text-sm font-medium text-zinc-300" : "sr-only"}>
        Your name
      </label>
      <input
        ref={inputRef}
        id={inputId}
        data-testid={testId}
        value={field.draft}
        autoFocus={autoFocus}
        // Generous: the rules count code points after trimming, so the check happens on submit.
        maxLength={MAX_NAME_CHARS * 2}
        aria-invalid={field.error ? true : undefined}
        aria-describedby={field.error ? errorId : undefined}
        onChange={(e) => field.setDraft(e.target.value)}
        onKeyDown={onKeyDown}
        className={cn(
          "w-full min-w-0 rounded-lg border border-white/15 text-zinc-100 focus:border-orange-400 focus:outline-none",
          stacked ? "bg-zinc-950 px-3 py-2" : "bg-zinc-900 px-2 py-1 text-sm",
        )}
      />
      {field.error ? (
        <p
          id={errorId}
          role="alert"
          className={
            stacked
              ? "mt-1.5 text-sm text-rose-300"
              : "absolute top-full left-0 z-30 mt-1 w-max max-w-[calc(100vw-1.5rem)] rounded-md border border-rose-500/40 bg-rose-950/95 px-2 py-1 text-xs text-rose-100 shadow-xl"
          }
        >
          {field.error}
        </p>
      ) : null}
    </div>
  );
}
