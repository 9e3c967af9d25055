import { once } from "node:events";
import { createCommandClient } from "../lib/redis/client";
import { RedisRoomStore } from "../lib/rooms/redis-store";
import { seatCookieName } from "../lib/rooms/seat-cookie";
import type { BenchRoom } from "./target";
import { inBatches } from "./time";

/**
 * Private rooms with one seat each, created straight in Redis by the product's own store
 * (lib/rooms/redis-store.ts: the same MULTI that `POST /api/rooms` runs, room id, seat token and
 * its hash included), without Next's request pipeline: 10 000 rooms over HTTP would cost the
 * servers about a minute of CPU before anything is measured. Each room's cookie is the seat
 * cookie the route would have set; every socket of the room presents it (one browser).
 */
export async function createRoomsDirect(redisUrl: string, count: number, width = 100): Promise<BenchRoom[]> {
  // The product's factory: one Redis, or a Cluster client for a redis+cluster:// URL.
  const client = createCommandClient(redisUrl, "bench-rooms");
  try {
    // Connected first: before its first connection every command would wait on a "ready" listener of its own.
    if (client.status !== "ready") await once(client, "ready");
    const store = new RedisRoomStore(client, "bench");
    return await inBatches(count, width, async () => {
      const { room, token } = await store.create({ ttlSeconds: 3600, capacity: 50 });
      return { roomId: room.roomId, cookie: `${seatCookieName(room.roomId)}=${token}` };
    });
  } finally {
    client.disconnect();
  }
}
