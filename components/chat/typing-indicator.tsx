"use client";

import { typingText } from "@/lib/client/format";
import type { TypingUser } from "@/lib/client/room-client";

/** Stands in for the i-th name while the sentence is composed; names never hold control characters. */
const slot = (i: number) => `\u0000${i}\u0000`;
const SLOT = /\u0000(\d+)\u0000/;

export function TypingIndicator({ typing }: { typing: readonly TypingUser[] }) {
  // The sentence comes from typingText; each name in it is then isolated in <bdi> so a right-to-left
  // name cannot reorder the words around it.
  const parts = typingText(typing.map((_, i) => slot(i))).split(SLOT);
  return (
    <div data-testid="typing-indicator" aria-live="polite" className="h-5 truncate px-4 text-xs text-zinc-400 italic">
      {parts.map((part, i) => (i % 2 === 1 ? <bdi key={i}>{typing[Number(part)]?.name}</bdi> : part))}
    </div>
  );
}
