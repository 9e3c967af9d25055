"use client";

import { ChatRoom } from "@/components/chat/chat-room";
import type { RoomSocket } from "@/hooks/use-room-socket";
import { CopyLinkButton } from "./copy-link-button";
import { Countdown } from "./countdown";
import { DestroyRoomButton } from "./destroy-room-button";
import { RoomEnded } from "./room-ended";
import { Seats } from "./seats";
import { useRoomFacts } from "./use-room-facts";

/** What the server knew when it rendered the page. */
export type RoomFacts = { expiresAt: number; capacity: number; members: number; serverNow: number };

/** `/room/:id`: the chat screen plus the room's countdown, seats, copy-link and "Destroy now". */
export function PrivateRoom({ roomId, initial }: { roomId: string; initial: RoomFacts | null }) {
  return (
    <ChatRoom
      room={roomId}
      roomLabel="this room"
      title="Private room"
      actions={(socket) => <RoomActions roomId={roomId} initial={initial} socket={socket} />}
      ended={(socket) => <RoomEnded status={socket.status} />}
    />
  );
}

function RoomActions({ roomId, initial, socket }: { roomId: string; initial: RoomFacts | null; socket: RoomSocket }) {
  const ended = socket.status.state === "ended";
  const facts = useRoomFacts(roomId, initial, {
    // The socket's `joined` is the authority for expiry and capacity once it arrived.
    expiresAt: socket.joined?.expiresAt ?? null,
    capacity: socket.joined?.capacity ?? null,
    // Re-read the seats whenever who is online changes (someone new took a seat and joined).
    presenceKey: socket.presence ? socket.presence.users.map((u) => u.clientId).join(",") : "",
    active: !ended,
  });

  if (ended) return null;
  return (
    <div className="flex shrink-0 items-center gap-1 sm:gap-2">
      {facts.expiresAt !== null ? <Countdown expiresAt={facts.expiresAt} skewMs={facts.skewMs} /> : null}
      {facts.capacity !== null && facts.members !== null ? (
        <Seats members={facts.members} capacity={facts.capacity} />
      ) : null}
      <CopyLinkButton />
      <DestroyRoomButton roomId={roomId} />
    </div>
  );
}
