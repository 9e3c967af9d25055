import { nanoid } from "nanoid";
import { appEvents } from "./app-events";
import { MemoryBus } from "./bus/memory";
import { RedisBus } from "./bus/redis/redis-bus";
import type { Bus } from "./bus/types";
import { ChannelAccess } from "./channels/access";
import { channelsConfig } from "./channels/config";
import { ChannelService } from "./channels/service";
import { env } from "./env";
import { Hub } from "./hub/hub";
import { Limits } from "./limits/limits";
import { ClientIdentity } from "./identity/client-identity";
import { MemoryBindings } from "./identity/memory-bindings";
import { RedisBindings } from "./identity/redis-bindings";
import type { ClientBindings } from "./identity/types";
import { LOBBY } from "./protocol";
import { closeClient, releaseSharedRedis, sharedRedis } from "./redis/client";
import { MemoryRoomStore } from "./rooms/memory-store";
import { RedisRoomStore } from "./rooms/redis-store";
import { RoomService } from "./rooms/service";
import type { RoomStore } from "./rooms/types";

/**
 * Everything one Flare instance runs, wired once per process: the bus, the room store and the
 * clientId bindings (all in memory, or all on Redis when REDIS_URL is set), the room service, the hub. server.ts and the
 * Next bundle load separate copies of this module, so the instance lives on globalThis.
 */
export type Instance = {
  id: string;
  bus: Bus;
  rooms: RoomService;
  identity: ClientIdentity;
  hub: Hub;
  limits: Limits;
  /** Typed-event channels: emit, history, access, follow (lib/channels). */
  channels: ChannelService;
};

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

/** SIGTERM: drain the hub, then close the bus and the Redis connection, in bounded time. */
export async function shutdownInstance(deadlineMs: number): Promise<void> {
  const current = existingInstance();
  if (!current) return;
  await current.hub.shutdown(deadlineMs);
  await current.bus.close();
  const redis = sharedRedis();
  if (redis) {
    releaseSharedRedis(redis);
    await closeClient(redis);
  }
}

function createInstance(): Instance {
  const config = env();
  // Unique per process even when every instance gets the same INSTANCE_ID (as on Vercel): an instance
  // skips stream events whose origin is its own id, so a shared id would drop its peers' events.
  const id = config.INSTANCE_ID ? `${config.INSTANCE_ID}-${nanoid(6)}` : nanoid(8);
  const { bus, store, bindings } = createStores(id);
  const identity = new ClientIdentity(bindings);
  // The callback runs only after a room ends, long after `hub` is initialised.
  const rooms = new RoomService(store, bus, (roomId, reason) => hub.endRoom(roomId, reason));
  const limits = new Limits(config, sharedRedis());
  const channelConfig = channelsConfig(appEvents);
  const channelAccess = new ChannelAccess(rooms, channelConfig.middleware);
  const hub = new Hub({
    bus,
    access: rooms,
    identity,
    leaveGraceMs: config.LEAVE_GRACE_MS,
    maxSocketMs: config.MAX_SOCKET_SECONDS === undefined ? undefined : config.MAX_SOCKET_SECONDS * 1000,
    pingIntervalMs: config.PING_INTERVAL_MS,
    pongTimeoutMs: config.PONG_TIMEOUT_MS,
    joinTimeoutMs: config.JOIN_TIMEOUT_MS,
    heartbeatMs: Math.max(1000, Math.floor(config.PRESENCE_TTL_MS / 3)),
    admitJoin: (address) => limits.allows("joins", address),
    channelAccess,
  });
  const channels = new ChannelService({ bus, rooms, hub, access: channelAccess }, channelConfig);
  return { id, bus, rooms, identity, hub, limits, channels };
}

/** Redis streams and keys with REDIS_URL; otherwise this process's memory. */
function createStores(instanceId: string): { bus: Bus; store: RoomStore; bindings: ClientBindings } {
  const redis = sharedRedis();
  if (redis)
    return {
      bus: new RedisBus({ client: redis, instanceId }),
      store: new RedisRoomStore(redis, instanceId),
      bindings: new RedisBindings(redis, instanceId),
    };
  const store: MemoryRoomStore = new MemoryRoomStore((roomId) => void bus.deleteRoom(roomId));
  const bus = new MemoryBus(instanceId, { roomExists: (room) => room === LOBBY || store.exists(room) });
  return { bus, store, bindings: new MemoryBindings() };
}
