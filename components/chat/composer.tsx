"use client";

import { useId, useRef, useState, type FormEvent, type KeyboardEvent } from "react";
import { codePoints, MAX_TEXT_CHARS } from "@/lib/protocol";
import type { SendResult } from "@/lib/client/room-client";
import { cn } from "@/lib/ui/cn";

/** The counter appears this close to the limit. */
const COUNTER_FROM = MAX_TEXT_CHARS - 200;

export type ComposerProps = {
  onSend: (text: string) => SendResult;
  onTyping: () => void;
  placeholder: string;
  hint?: string;
};

export function Composer({ onSend, onTyping, placeholder, hint }: ComposerProps) {
  const [text, setText] = useState("");
  const [error, setError] = useState<string | null>(null);
  const area = useRef<HTMLTextAreaElement>(null);
  const inputId = useId();
  const counterId = useId();

  const length = codePoints(text);
  const over = length > MAX_TEXT_CHARS;
  const empty = text.trim().length === 0;
  const canSend = !empty && !over;

  const submit = () => {
    if (!canSend) return;
    const result = onSend(text);
    if (result.ok) {
      setText("");
      setError(null);
      requestAnimationFrame(() => resize(area.current));
    } else {
      setError(result.message);
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      submit();
    }
  };

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    submit();
  };

  return (
    <form
      onSubmit={onSubmit}
      className="border-t border-white/10 bg-zinc-950/80 px-3 pt-2 pb-[max(0.75rem,env(safe-area-inset-bottom))] sm:px-4"
    >
      <label htmlFor={inputId} className="sr-only">
        Message
      </label>
      <div className="flex items-end gap-2 rounded-2xl border border-white/10 bg-zinc-900 p-1.5 focus-within:border-orange-400/70">
        <textarea
          ref={area}
          id={inputId}
          data-testid="composer-input"
          value={text}
          rows={1}
          placeholder={placeholder}
          aria-describedby={length >= COUNTER_FROM ? counterId : undefined}
          aria-invalid={over || undefined}
          onChange={(e) => {
            setText(e.target.value);
            setError(null);
            resize(e.target);
            if (e.target.value.trim()) onTyping();
          }}
          onKeyDown={onKeyDown}
          className="max-h-40 min-h-9 flex-1 resize-none bg-transparent px-2 py-1.5 text-[15px] text-zinc-100 placeholder:text-zinc-500 focus:outline-none"
        />
        <button
          type="submit"
          data-testid="composer-send"
          disabled={!canSend}
          className="focus-ring h-9 shrink-0 rounded-xl bg-orange-500 px-4 text-sm font-semibold text-zinc-950 transition-colors hover:bg-orange-400 disabled:cursor-not-allowed disabled:bg-zinc-700 disabled:text-zinc-400"
        >
          Send
        </button>
      </div>
      <div className="flex min-h-5 items-center justify-between gap-2 px-2 pt-1 text-xs">
        <span className={error ? "text-rose-300" : "text-zinc-500"} role={error ? "alert" : undefined}>
          {error ?? hint ?? <span className="hidden sm:inline">Enter to send · Shift+Enter for a new line</span>}
        </span>
        {length >= COUNTER_FROM ? (
          <span
            id={counterId}
            data-testid="composer-counter"
            aria-live="polite"
            className={cn("tabular-nums", over ? "font-semibold text-rose-400" : "text-zinc-400")}
          >
            {length}/{MAX_TEXT_CHARS}
          </span>
        ) : null}
      </div>
    </form>
  );
}

function resize(el: HTMLTextAreaElement | null) {
  if (!el) return;
  el.style.height = "auto";
  el.style.height = `${Math.min(el.scrollHeight, 160)}px`;
}
