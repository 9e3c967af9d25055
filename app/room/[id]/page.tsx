import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { PrivateRoom, type RoomFacts } from "@/components/room/private-room";
import { isFlareError } from "@/lib/protocol";
import { instance } from "@/lib/instance";

export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  title: "Private room · Flare",
  description: "A private Flare room that self-destructs.",
  robots: { index: false, follow: false },
};

/**
 * A private room. Rendering it takes no seat (link previews, prefetch and prerender fetch it too):
 * the page takes this browser's seat itself once shown (components/room/use-seat-claim.ts). Here
 * the room's facts seed the countdown and the seat count until the socket and the poll take over;
 * an unknown room goes straight back to the lobby.
 */
export default async function RoomPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <PrivateRoom roomId={id} initial={await loadRoomFacts(id)} />;
}

/**
 * The room's facts, stamped with the server's clock when they were read (the countdown corrects
 * the browser's clock by it); null while the store is unavailable.
 */
async function loadRoomFacts(id: string): Promise<RoomFacts | null> {
  try {
    const room = await instance().rooms.get(id);
    return { expiresAt: room.expiresAt, capacity: room.capacity, members: room.members, serverNow: Date.now() };
  } catch (e) {
    // Expired, destroyed or never existed: back to the lobby, which says so.
    if (isFlareError(e) && e.code === "room_not_found") redirect("/?error=room_not_found");
    // Store unavailable: render anyway; the socket reports the trouble and retries.
    return null;
  }
}
