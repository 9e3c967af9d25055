import { instance } from "../instance";
import { Channel, type ChannelOptions } from "./channel";

export type { ChannelOptions, HistoryQuery, SubscribeOptions } from "./channel";
export { emitSchemas, realtimeEvent, type RealtimeEvent, type EmitInput, type EmitEvent } from "./schema";

/**
 * The typed server API:
 *
 *   import { realtime } from "@/lib/realtime";
 *   await realtime.channel("lobby").emit("message", { name: "Deploy bot", text: "v2 is live" });
 *   const last = await realtime.channel(roomId).history({ limit: 20 });
 *   for await (const event of await realtime.channel(roomId).subscribe({ history: true, signal })) { … }
 */
export const realtime = {
  channel(roomId: string, opts?: ChannelOptions): Channel {
    const { bus, hub, rooms } = instance();
    return new Channel(roomId, { bus, hub, rooms }, opts);
  },
};
