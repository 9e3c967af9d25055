"use client";

import { ChatRoom } from "@/components/chat/chat-room";
import type { RoomSocket } from "@/hooks/use-room-socket";
import { CopyLinkButton } from "./copy-link-button";
import { Countdown } from "./countdown";
import { DestroyRoomButton } from "./destroy-room-button";
import { RoomEnded } from "./room-ended";
import { SeatProblem } from "./seat-problem";
import { Seats } from "./seats";
import { useRoomFacts } from "./use-room-facts";
import { useSeatClaim } from "./use-seat-claim";

/** What the server knew when it rendered the page. */
export type RoomFacts = { expiresAt: number; capacity: number; members: number; serverNow: number };

/**
 * `/room/:id`: the chat screen plus the room's countdown, seats, copy-link and "Destroy now". The
 * socket opens once this browser's seat is taken (useSeatClaim).
 */
export function PrivateRoom({ roomId, initial }: { roomId: string; initial: RoomFacts | null }) {
  const seat = useSeatClaim(roomId);
  const seated = seat.state === "seated";
  return (
    <ChatRoom
      room={roomId}
      roomLabel="this room"
      title="Private room"
      connectable={seated}
      blocked={seat.state === "failed" ? <SeatProblem message={seat.message} onRetry={seat.retry} /> : undefined}
      actions={(socket) => <RoomActions roomId={roomId} initial={initial} socket={socket} seated={seated} />}
      ended={(socket) => <RoomEnded status={socket.status} />}
    />
  );
}

function RoomActions({
  roomId,
  initial,
  socket,
  seated,
}: {
  roomId: string;
  initial: RoomFacts | null;
  socket: RoomSocket;
  seated: boolean;
}) {
  const ended = socket.status.state === "ended";
  const facts = useRoomFacts(roomId, initial, {
    // The socket's `joined` is the authority for expiry and capacity once it arrived.
    expiresAt: socket.joined?.expiresAt ?? null,
    capacity: socket.joined?.capacity ?? null,
    // Re-read the seats whenever who is online changes (someone new took a seat and joined).
    // Taking the seat changes the count too.
    presenceKey: `${seated}:${socket.presence ? socket.presence.users.map((u) => u.clientId).join(",") : ""}`,
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
