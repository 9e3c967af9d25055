import type { Result } from "ioredis";
import type { RoomKeyList } from "../keys";
import { NOTIFY_LUA } from "./notify";
import { roomScript } from "./prelude";

/**
 * Live-only room events (typing, presence changes), appended to the room's events stream, and the
 * global control stream (`destroyed`). Each append also notifies the stream's subscribers.
 */

/** How a script that appends to a room's events stream takes the event: stream cap, data, origin. */
export type EventArgs = [maxlen: number, data: string, origin: string];

declare module "ioredis" {
  interface RedisCommander<Context> {
    flarePublish(...args: [...keys: RoomKeyList, room: string, ...event: EventArgs]): Result<string, Context>;
    flareControl(key: string, maxlen: number, data: string, origin: string): Result<string, Context>;
  }
}

export const eventScripts = {
  /** ARGV: room, maxlen, data, origin → the event's id */
  flarePublish: roomScript(`
local room, maxlen, data, origin = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local mode, value = room_expiry(room)
if not mode then return gone() end
return append_event(mode, value, maxlen, data, origin)
`),

  /** KEYS: the control stream. ARGV: maxlen, data, origin → the entry's id */
  flareControl: {
    numberOfKeys: 1,
    lua: `${NOTIFY_LUA}
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'd', ARGV[2], 'o', ARGV[3])
notify(KEYS[1], id, 'o', ARGV[3], 'd', ARGV[2])
return id
`,
  },
};
