"use client";

import { ChatRoom } from "@/components/chat/chat-room";
import { CreateRoomButton } from "./create-room-button";

export function Lobby() {
  return <ChatRoom room="lobby" roomLabel="the lobby" title="Lobby" actions={() => <CreateRoomButton />} />;
}
