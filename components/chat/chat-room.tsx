"use client";

import type { ReactNode } from "react";
import { useIdentity } from "@/hooks/use-identity";
import { useRoomSocket, type RoomSocket } from "@/hooks/use-room-socket";
import { cn } from "@/lib/ui/cn";
import { FlareLogo } from "../brand/flare-logo";
import { Composer } from "./composer";
import { ConnectionBadge } from "./connection-badge";
import { JoinGate } from "./join-gate";
import { MessageList } from "./message-list";
import { NameEditor } from "./name-editor";
import { PresenceList, PresenceStack } from "./presence-list";
import { TypingIndicator } from "./typing-indicator";

export type ChatRoomProps = {
  /** "lobby" or a private room id. */
  room: string;
  /** How the room is called in sentences ("the lobby"). */
  roomLabel: string;
  /** Shown next to the brand ("Lobby"). */
  title: ReactNode;
  /** Extra header content (buttons, countdowns); gets the live socket state. */
  actions?: (socket: RoomSocket) => ReactNode;
  /** What to show instead of the composer once the room ended. */
  ended?: (socket: RoomSocket) => ReactNode;
  /** False keeps the socket closed (a private room until its seat is taken). Default true. */
  connectable?: boolean;
  /** Shown instead of the conversation while set (e.g. the seat could not be taken). */
  blocked?: ReactNode;
  /** Shown under the header whatever the state (e.g. the lobby's announcements). */
  banner?: ReactNode;
};

/** A whole chat room screen: header, messages, typing, composer, presence. */
export function ChatRoom({
  room,
  roomLabel,
  title,
  actions,
  ended,
  connectable = true,
  blocked,
  banner,
}: ChatRoomProps) {
  const { identity, setName } = useIdentity();
  const socket = useRoomSocket({
    room,
    clientId: identity?.clientId,
    name: identity?.name ?? "",
    enabled: identity?.confirmed === true && connectable,
  });

  if (!identity) {
    return <div className="flex h-dvh items-center justify-center text-sm text-zinc-500">Loading…</div>;
  }

  const header = (
    <header className="flex flex-wrap items-center gap-x-3 gap-y-2 border-b border-white/10 bg-zinc-950/90 px-3 py-2.5 sm:px-4">
      <FlareLogo />
      <span className="hidden text-sm text-zinc-500 sm:inline" aria-hidden="true">
        /
      </span>
      <h1 className="text-sm font-medium text-zinc-300">{title}</h1>
      {identity.confirmed ? <ConnectionBadge status={socket.status} onRetryNow={socket.reconnectNow} /> : null}
      <div className="ml-auto flex min-w-0 items-center gap-2">
        {identity.confirmed ? (
          <div className="md:hidden">
            <PresenceStack
              users={socket.presence?.users ?? []}
              count={onlineCount(socket)}
              selfId={identity.clientId}
            />
          </div>
        ) : null}
      </div>
      {identity.confirmed ? (
        <div className="flex w-full min-w-0 items-center justify-between gap-2 md:w-auto">
          <NameEditor clientId={identity.clientId} name={identity.name} onChange={setName} />
          {actions?.(socket)}
        </div>
      ) : null}
    </header>
  );

  if (!identity.confirmed) {
    return (
      <div className="flex h-dvh flex-col">
        {header}
        {banner}
        <JoinGate clientId={identity.clientId} suggestedName={identity.name} roomLabel={roomLabel} onJoin={setName} />
      </div>
    );
  }

  if (blocked) {
    return (
      <div className="flex h-dvh flex-col">
        {header}
        {banner}
        {blocked}
      </div>
    );
  }

  const endedStatus = socket.status.state === "ended" ? socket.status : null;
  return (
    <div className="flex h-dvh flex-col">
      {header}
      {banner}
      <div className="flex min-h-0 flex-1">
        <main className="flex min-w-0 flex-1 flex-col">
          {socket.notice && !endedStatus ? (
            <p
              role="status"
              data-testid="notice"
              className="border-b border-amber-500/20 bg-amber-500/10 px-4 py-1.5 text-xs text-amber-200"
            >
              {socket.notice}
            </p>
          ) : null}
          <MessageList
            messages={socket.messages}
            outbox={socket.outbox}
            selfId={identity.clientId}
            onRetry={socket.retry}
            onDiscard={socket.discard}
            emptyText={socket.status.state === "connected" ? `No messages in ${roomLabel} yet. Say hi!` : " "}
          />
          <TypingIndicator typing={socket.typing} />
          {endedStatus ? (
            <div
              role="alert"
              data-testid="room-ended"
              className="border-t border-white/10 px-4 py-4 text-center text-sm text-zinc-300"
            >
              {ended ? ended(socket) : endedStatus.message}
            </div>
          ) : (
            <Composer
              onSend={socket.send}
              onTyping={socket.notifyTyping}
              placeholder={`Message ${roomLabel}`}
              hint={
                socket.status.state !== "connected"
                  ? "Messages you write now are sent when the connection is back."
                  : undefined
              }
            />
          )}
        </main>
        <aside
          aria-label="Who is online"
          className={cn(
            "hidden w-60 shrink-0 overflow-y-auto border-l border-white/10 transition-opacity md:block",
            socket.status.state !== "connected" && "opacity-50",
          )}
        >
          <PresenceList users={socket.presence?.users ?? []} count={onlineCount(socket)} selfId={identity.clientId} />
        </aside>
      </div>
    </div>
  );
}

/** The server's count, but never 0 for a tab that is itself connected. */
function onlineCount(socket: RoomSocket): number {
  const count = socket.presence?.count ?? 0;
  return socket.status.state === "connected" ? Math.max(count, 1) : count;
}
