import { measureChannel } from "./channel";
import { measureChat } from "./chat";
import { createRoom, type Cluster } from "./cluster";
import { measureConnections } from "./connections";
import { measureFanout } from "./fanout";
import { compare } from "./figures";
import { measureLatency } from "./latency";
import { CpuMeter } from "./proc";
import { measureRedisCost } from "./redis-cost";
import type { StandardResults } from "./report";
import { onBoth, type Target } from "./target";
import { step } from "./time";

const meterFor = (c: Cluster, t: Target) => new CpuMeter(t.pids, c.redisPid);

/** Every scenario in turn: Flare's latency alone, then the cost scenarios on Flare and on the baseline. */
export async function runAll(c: Cluster): Promise<StandardResults> {
  step("latency, Redis topology (sender on A; receivers on A and B)");
  const roomAB = await createRoom(c.a.url);
  const latencyRedis = await measureLatency({
    ...roomAB,
    room: roomAB.roomId,
    senderWsUrl: c.a.wsUrl,
    receivers: [
      { label: "same instance (A)", wsUrl: c.a.wsUrl },
      { label: "other instance (B)", wsUrl: c.b.wsUrl },
    ],
    tag: "lat",
  });

  step("latency, memory topology");
  const roomMem = await createRoom(c.memory.url);
  const latencyMemory = await measureLatency({
    ...roomMem,
    room: roomMem.roomId,
    senderWsUrl: c.memory.wsUrl,
    receivers: [{ label: "same instance", wsUrl: c.memory.wsUrl }],
    tag: "mem",
  });

  // Before the message scenarios, so that the RSS reading is not hidden in heaps they already grew.
  step("connections: seat claims, then 1000 idle sockets over 2 instances, Flare then baseline");
  const connections = await onBoth(c, (t) => measureConnections({ target: t, meter: meterFor(c, t), tag: "conn" }));

  step("Redis commands per message, Flare then baseline");
  const redisCost = await onBoth(c, async (t) => {
    const room = await t.newRoom(0);
    const [senderWsUrl, receiverWsUrl] = t.wsUrls;
    return measureRedisCost({
      ...room,
      room: room.roomId,
      redisUrl: c.redis.url,
      senderWsUrl: senderWsUrl!,
      receiverWsUrl: receiverWsUrl!,
      tag: "cost",
    });
  });

  step("chat: 20 rooms × 4 clients, 1 sender/room at 5 msg/s, Flare then baseline");
  const chat = await onBoth(c, (t) => measureChat({ target: t, meter: meterFor(c, t), tag: "chat" }));

  step("fan-out: 200 receivers, 10 senders, Flare then baseline");
  const fanout = await onBoth(c, async (t) => {
    const room = await t.newRoom(0);
    return measureFanout({ ...room, room: room.roomId, wsUrls: t.wsUrls, meter: meterFor(c, t), tag: "fan" });
  });

  step("channel: 1 channel, 200 subscribers over 2 instances, 1 emitter at 100 events/s for 5 s, Flare then baseline");
  const channel = await onBoth(c, (t) =>
    measureChannel({
      target: t,
      emitUrl: t.name === "flare" ? c.a.url : undefined,
      meter: meterFor(c, t),
      tag: "chan",
    }),
  );

  const compared = { chat, fanout, channel, connections, redisCost };
  return { latencyRedis, latencyMemory, ...compared, figures: compare(compared) };
}
