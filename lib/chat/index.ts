import { instance } from "../instance";
import { ChatRoom, type ChatRoomOptions } from "./room";

export type { ChatRoomOptions, HistoryQuery, SubscribeOptions } from "./room";
export { emitSchemas, chatEvent, type ChatEvent, type EmitInput, type EmitEvent } from "./schema";

/**
 * The typed server API:
 *
 *   import { chat } from "@/lib/chat";
 *   await chat.room("lobby").emit("message", { name: "Deploy bot", text: "v2 is live" });
 *   const last = await chat.room(roomId).history({ limit: 20 });
 *   for await (const event of await chat.room(roomId).subscribe({ history: true, signal })) { … }
 */
export const chat = {
  room(roomId: string, opts?: ChatRoomOptions): ChatRoom {
    const { bus, hub, rooms } = instance();
    return new ChatRoom(roomId, { bus, hub, rooms }, opts);
  },
};
