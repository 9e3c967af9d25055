import { appEvents } from "./app-events";
import { type InferRealtimeEvents, Realtime } from "./channels/realtime";

export { ANNOUNCEMENTS } from "./app-events";

/**
 * Flare's `realtime` (lib/app-events.ts declares its events): `realtime.channel(name).emit(…)`
 * from server code; components follow with `useRealtime` (lib/client/realtime).
 */
export const realtime = new Realtime(appEvents);

export type AppEvents = InferRealtimeEvents<typeof realtime>;
