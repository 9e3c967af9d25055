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
  emptyText?: string;
};

/**
 * Messages in id order. Sticks to the bottom while the reader is there; once they scroll up, new
 * messages raise a "new messages" pill instead of yanking the view.
 */
export function MessageList({ messages, outbox, selfId, onRetry, onDiscard, emptyText }: MessageListProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const lastSeenId = useRef<string | undefined>(undefined);
  const outboxSize = useRef(0);
  const [unseen, setUnseen] = useState(0);

  const scrollToBottom = useCallback((smooth = false) => {
    const el = scroller.current;
    if (!el) return;
    el.scrollTo({ top: el.scrollHeight, behavior: smooth ? "smooth" : "auto" });
    atBottom.current = true;
    setUnseen(0);
  }, []);

  const onScroll = useCallback(() => {
    const el = scroller.current;
    if (!el) return;
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < STICK_PX;
    if (atBottom.current) setUnseen(0);
  }, []);

  const lastId = messages.at(-1)?.id;
  useLayoutEffect(() => {
    const previous = lastSeenId.current;
    lastSeenId.current = lastId;
    const grewOutbox = outbox.length > outboxSize.current;
    outboxSize.current = outbox.length;
    if (atBottom.current || grewOutbox || previous === undefined) {
      scrollToBottom();
      return;
    }
    if (lastId === undefined || lastId === previous) return;
    // Count what arrived after the last message the reader had.
    let fresh = 0;
    for (let i = messages.length - 1; i >= 0 && messages[i]!.id !== previous; i--) {
      const m = messages[i]!;
      if (m.clientId === selfId && !m.system) {
        // The reader's own message: take them down to it.
        scrollToBottom();
        return;
      }
      fresh++;
    }
    if (fresh > 0) setUnseen((n) => n + fresh);
  }, [lastId, messages, outbox.length, selfId, scrollToBottom]);

  const pending = outbox;
  let prev: Message | undefined;
  return (
    <div className="relative min-h-0 flex-1">
      <div
        ref={scroller}
        onScroll={onScroll}
        data-testid="message-list"
        className="h-full overflow-y-auto overscroll-contain px-3 py-4 sm:px-4"
      >
        {messages.length === 0 && pending.length === 0 ? (
          <p className="mt-10 text-center text-sm text-zinc-500">{emptyText ?? "No messages yet. Say hi!"}</p>
        ) : null}
        <ol role="log" aria-label="Messages" aria-live="polite" aria-relevant="additions" className="flex flex-col">
          {messages.map((m) => {
            const showHeader =
              !m.system &&
              (!prev || prev.system === true || prev.clientId !== m.clientId || m.ts - prev.ts > GROUP_GAP_MS);
            prev = m;
            return <MessageItem key={m.id} message={m} own={m.clientId === selfId} showHeader={showHeader} />;
          })}
          {pending.map((e) => (
            <PendingItem key={e.nonce} entry={e} onRetry={onRetry} onDiscard={onDiscard} />
          ))}
        </ol>
      </div>
      {unseen > 0 ? (
        <button
          type="button"
          data-testid="new-messages-pill"
          onClick={() => scrollToBottom(true)}
          className="absolute bottom-3 left-1/2 -translate-x-1/2 rounded-full bg-orange-500 px-3.5 py-1.5 text-xs font-semibold text-zinc-950 shadow-lg hover:bg-orange-400 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-orange-300"
        >
          {unseen === 1 ? "1 new message" : `${unseen} new messages`} ↓
        </button>
      ) : null}
    </div>
  );
}
