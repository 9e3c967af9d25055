"use client";

import { Suspense } from "react";
import { ChatRoom } from "@/components/chat/chat-room";
import { Announcements } from "./announcements";
import { CreateRoomButton } from "./create-room-button";
import { LobbyError } from "./lobby-error";

export function Lobby() {
  return (
    <>
      {/* `?error=` from /room/:id; reading the query needs a Suspense boundary on a static page. */}
      <Suspense fallback={null}>
        <LobbyError />
      </Suspense>
      <ChatRoom
        room="lobby"
        roomLabel="the lobby"
        title="Lobby"
        actions={() => <CreateRoomButton />}
        banner={<Announcements />}
      />
    </>
  );
}
