import type { Result } from "ioredis";
import type { RoomKeyList } from "../keys";
import { roomScript } from "./prelude";

/** Live-only room events (typing, presence changes): appended to the room's events stream. */

declare module "ioredis" {
  interface RedisCommander<Context> {
    flarePublish(
      ...args: [...keys: RoomKeyList, room: string, maxlen: number, data: string, origin: string]
    ): Result<string, Context>;
  }
}

export const eventScripts = {
  /** ARGV: room, maxlen, data, origin → the event's id */
  flarePublish: roomScript(`
local room, maxlen, data, origin = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local mode, value = room_expiry(room)
if not mode then return gone() end
local id = redis.call('XADD', KEYS[K_EVENTS], 'MAXLEN', '~', maxlen, '*', 'd', data, 'o', origin)
touch_room(mode, value, K_EVENTS)
return id
`),
};
