import { createBus } from "./bus";
import type { Bus } from "./bus/types";
import { env } from "./env";
import { Hub } from "./hub/hub";
import { sharedRedis } from "./redis/client";
import { MemoryRoomStore } from "./rooms/memory-store";
import { RedisRoomStore } from "./rooms/redis-store";
import { RoomService } from "./rooms/service";
import type { RoomStore } from "./rooms/types";

/**
 * Everything one Flare instance runs, wired once per process: the bus (memory or Redis), the room
 * store beside it, the hub. server.ts and the Next bundle load separate copies of this module, so
 * the instance lives on globalThis.
 */
export type Instance = { id: string; bus: Bus; rooms: RoomService; hub: Hub };

const KEY = Symbol.for("flare.instance");
type Global = typeof globalThis & { [KEY]?: Instance };

export function instance(): Instance {
  const g = globalThis as Global;
  return (g[KEY] ??= createInstance());
}

/** The instance if this process created one (server.ts drains it on SIGTERM). */
export function existingInstance(): Instance | undefined {
  return (globalThis as Global)[KEY];
}

function createInstance(): Instance {
  const config = env();
  const bus = createBus();
  const id = bus.instanceId;
  const redis = sharedRedis();
  const store: RoomStore = redis
    ? new RedisRoomStore(redis, id)
    : new MemoryRoomStore((roomId) => void bus.deleteRoom(roomId));
  // The callback runs only after a room ends, long after `hub` is initialised.
  const rooms = new RoomService(store, bus, (roomId, reason) => hub.endRoom(roomId, reason));
  const hub = new Hub({
    bus,
    access: rooms,
    leaveGraceMs: config.LEAVE_GRACE_MS,
    heartbeatMs: Math.max(1000, Math.floor(config.PRESENCE_TTL_MS / 3)),
  });
  return { id, bus, rooms, hub };
}
