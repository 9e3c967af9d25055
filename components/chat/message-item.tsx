"use client";

import { memo } from "react";
import { formatFullTime, formatTime } from "@/lib/client/format";
import type { OutboxEntry } from "@/lib/client/outbox";
import type { Message } from "@/lib/protocol";
import { cn } from "@/lib/ui/cn";
import { Avatar } from "./avatar";
import { LinkifiedText } from "./linkified-text";

const BUBBLE =
  "rounded-2xl px-3 py-2 text-[15px] leading-snug [overflow-wrap:anywhere] break-words whitespace-pre-wrap";

export type MessageItemProps = {
  message: Message;
  own: boolean;
  /** First of a run from the same sender: show avatar and name. */
  showHeader: boolean;
};

function Time({ ts }: { ts: number }) {
  return (
    <time
      dateTime={new Date(ts).toISOString()}
      title={formatFullTime(ts)}
      className="text-[11px] text-zinc-500 tabular-nums"
    >
      {formatTime(ts)}
    </time>
  );
}

export const MessageItem = memo(function MessageItem({ message, own, showHeader }: MessageItemProps) {
  if (message.system) {
    return (
      <li
        data-testid="message-item"
        data-id={message.id}
        data-system="true"
        className="flex items-center justify-center gap-2 py-1 text-xs text-zinc-500"
      >
        <SystemText message={message} />
        <Time ts={message.ts} />
      </li>
    );
  }
  return (
    <li
      data-testid="message-item"
      data-id={message.id}
      data-own={own ? "true" : "false"}
      className={cn("flex gap-2", own && "flex-row-reverse", showHeader ? "mt-3" : "mt-0.5")}
    >
      <div className="w-8 shrink-0">{showHeader && !own ? <Avatar clientId={message.clientId} size={32} /> : null}</div>
      <div className={cn("flex max-w-[80%] min-w-0 flex-col", own ? "items-end" : "items-start")}>
        {showHeader ? (
          <div className={cn("mb-0.5 flex items-baseline gap-2", own && "flex-row-reverse")}>
            <span className="text-sm font-medium text-zinc-200">{own ? "You" : <bdi>{message.name}</bdi>}</span>
            <Time ts={message.ts} />
          </div>
        ) : null}
        <p
          data-testid="message-text"
          className={cn(
            BUBBLE,
            own
              ? "rounded-tr-md border border-orange-400/30 bg-orange-500/20 text-orange-50"
              : "rounded-tl-md bg-zinc-800 text-zinc-100",
          )}
        >
          <LinkifiedText text={message.text} />
        </p>
      </div>
    </li>
  );
});

/**
 * "Swift Otter joined": the name isolated in `<bdi>`, so a right-to-left name stays on its side of
 * the verb. Falls back to the stored text for a system message without an event.
 */
function SystemText({ message }: { message: Message }) {
  if (message.event !== "joined" && message.event !== "left") return <span>{message.text}</span>;
  return (
    <span>
      <bdi>{message.name}</bdi> {message.event}
    </span>
  );
}

/** A message of this tab that the room has not shown yet. */
export function PendingItem({
  entry,
  onRetry,
  onDiscard,
}: {
  entry: OutboxEntry;
  onRetry: (nonce: string) => void;
  onDiscard: (nonce: string) => void;
}) {
  const failed = entry.status === "failed";
  return (
    <li
      data-testid="pending-item"
      data-nonce={entry.nonce}
      data-status={entry.status}
      className="mt-1 flex flex-row-reverse gap-2"
    >
      <div className="w-8 shrink-0" />
      <div className="flex max-w-[80%] min-w-0 flex-col items-end">
        <p
          className={cn(
            BUBBLE,
            "rounded-tr-md",
            failed
              ? "border border-rose-500/60 bg-rose-950/60 text-rose-100"
              : "border border-dashed border-orange-400/40 bg-orange-500/10 text-orange-50/80",
          )}
        >
          {entry.text}
        </p>
        <div className="mt-0.5 flex items-center gap-2 text-[11px]">
          {failed ? (
            <>
              <span role="alert" className="text-rose-300">
                Not sent: {entry.error ?? "something went wrong."}
              </span>
              <button
                type="button"
                onClick={() => onRetry(entry.nonce)}
                className="focus-ring rounded text-orange-300 hover:underline"
              >
                Retry
              </button>
              <button
                type="button"
                onClick={() => onDiscard(entry.nonce)}
                className="focus-ring rounded text-zinc-400 hover:underline"
              >
                Discard
              </button>
            </>
          ) : (
            <span className="text-zinc-500">{entry.status === "sent" ? "Sent" : "Sending…"}</span>
          )}
        </div>
      </div>
    </li>
  );
}
