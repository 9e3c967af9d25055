"use client";

import { typingText } from "@/lib/client/format";
import type { TypingUser } from "@/lib/client/room-client";

export function TypingIndicator({ typing }: { typing: readonly TypingUser[] }) {
  const text = typingText(typing.map((t) => t.name));
  return (
    <div data-testid="typing-indicator" aria-live="polite" className="h-5 truncate px-4 text-xs text-zinc-400 italic">
      {text}
    </div>
  );
}
