"use client";

import { useCallback, useLayoutEffect, useRef, useState } from "react";
import type { OutboxEntry } from "@/lib/client/outbox";
import type { Message } from "@/lib/protocol";
import { MessageItem, PendingItem } from "./message-item";

const GROUP_GAP_MS = 5 * 60 * 1000;
/** Within this many pixels of the bottom counts as "at the bottom". */
const STICK_PX = 48;

export type MessageListProps = {
  messages: readonly Message[];
  outbox: readonly OutboxEntry[];
  selfId: string;
  onRetry: (nonce: string) => void;
  onDiscard: (nonce: string) => void;
  emptyText: string;
};

/** First of a run from the same sender (within five minutes): shows avatar and name. */
function startsRun(m: Message, prev: Message | undefined): boolean {
  return !m.system && (!prev || prev.system === true || prev.clientId !== m.clientId || m.ts - prev.ts > GROUP_GAP_MS);
}

/**
 * What arrived after `readUpTo`, the last message the reader saw: how many, and whether one of
 * them is the reader's own (which takes them down to it instead of counting).
 */
function arrivedSince(
  messages: readonly Message[],
  readUpTo: string | undefined,
  selfId: string,
): { count: number; own: boolean } {
  let count = 0;
  for (let i = messages.length - 1; i >= 0 && messages[i]!.id !== readUpTo; i--) {
    const m = messages[i]!;
    if (m.clientId === selfId && !m.system) return { count: 0, own: true };
    count++;
  }
  return { count, own: false };
}

/**
 * Messages in id order. Sticks to the bottom while the reader is there; once they scroll up, new
 * messages raise a "new messages" pill instead of yanking the view.
 */
export function MessageList({ messages, outbox, selfId, onRetry, onDiscard, emptyText }: MessageListProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const outboxSize = useRef(outbox.length);
  const [atBottom, setAtBottom] = useState(true);
  const [readUpTo, setReadUpTo] = useState<string | undefined>(undefined);

  const lastId = messages.at(-1)?.id;
  // At the bottom, everything that arrives is read.
  if (atBottom && readUpTo !== lastId) setReadUpTo(lastId);
  const arrived = atBottom ? { count: 0, own: false } : arrivedSince(messages, readUpTo, selfId);

  const scrollToBottom = useCallback((smooth = false) => {
    const el = scroller.current;
    el?.scrollTo({ top: el.scrollHeight, behavior: smooth ? "smooth" : "auto" });
  }, []);

  const onScroll = () => {
    const el = scroller.current;
    if (el) setAtBottom(el.scrollHeight - el.scrollTop - el.clientHeight < STICK_PX);
  };

  useLayoutEffect(() => {
    const grewOutbox = outbox.length > outboxSize.current;
    outboxSize.current = outbox.length;
    if (atBottom || grewOutbox || arrived.own) scrollToBottom();
  }, [lastId, outbox.length, atBottom, arrived.own, scrollToBottom]);

  return (
    <div className="relative min-h-0 flex-1">
      <div
        ref={scroller}
        onScroll={onScroll}
        data-testid="message-list"
        className="h-full overflow-y-auto overscroll-contain px-3 py-4 sm:px-4"
      >
        {messages.length === 0 && outbox.length === 0 ? (
          <p className="mt-10 text-center text-sm text-zinc-500">{emptyText}</p>
        ) : null}
        <ol role="log" aria-label="Messages" aria-live="polite" aria-relevant="additions" className="flex flex-col">
          {messages.map((m, i) => (
            <MessageItem
              key={m.id}
              message={m}
              own={m.clientId === selfId}
              showHeader={startsRun(m, messages[i - 1])}
            />
          ))}
          {outbox.map((e) => (
            <PendingItem key={e.nonce} entry={e} onRetry={onRetry} onDiscard={onDiscard} />
          ))}
        </ol>
      </div>
      {arrived.count > 0 ? (
        <button
          type="button"
          data-testid="new-messages-pill"
          onClick={() => {
            setReadUpTo(lastId);
            scrollToBottom(true);
          }}
          className="focus-ring absolute bottom-3 left-1/2 -translate-x-1/2 rounded-full bg-orange-500 px-3.5 py-1.5 text-xs font-semibold text-zinc-950 shadow-lg hover:bg-orange-400"
        >
          {arrived.count === 1 ? "1 new message" : `${arrived.count} new messages`} ↓
        </button>
      ) : null}
    </div>
  );
}
