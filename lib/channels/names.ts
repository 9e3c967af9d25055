import { CHANNEL_NAME_PATTERN, LOBBY } from "../protocol";
import { ROOM_ID_PATTERN } from "../rooms/tokens";

/**
 * `"lobby"` and names shaped like a private room's id (21–64 of `[A-Za-z0-9_-]`) are room
 * channels: they need the room's seat and live only as long as the room. Every other valid name
 * belongs to the application.
 */
export function isRoomChannel(name: string): boolean {
  return name === LOBBY || ROOM_ID_PATTERN.test(name);
}

export function isChannelName(name: string): boolean {
  return CHANNEL_NAME_PATTERN.test(name);
}
