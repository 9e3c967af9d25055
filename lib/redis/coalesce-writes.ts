import type { Socket } from "node:net";
import type Redis from "ioredis";
import { Cluster } from "ioredis";
import type { RedisClient } from "./client";
import { corkForTick, tickMark } from "../io/tick-cork";

type Sender = { sendCommand: (...args: unknown[]) => unknown; stream?: Socket };

/**
 * Writes the commands a connection is given within one tick in one system call: the first one
 * corks the socket until the tick ends (lib/io/tick-cork.ts), and Node hands everything written
 * meanwhile to a single `writev`. ioredis writes each command as it is sent; under a burst (a
 * Redis reply read resolves many callers at once, each sending its next command from the same
 * microtask queue) that was one loopback `write` per command, the largest item of a join burst's
 * profile (issue #9). Unlike `enableAutoPipelining` no Pipeline object is built per batch, replies keep
 * their order and nothing waits for more than the current tick.
 *
 * A Cluster sends through one Redis per master: each is hooked as it appears.
 */
export function coalesceWrites(client: RedisClient): void {
  if (client instanceof Cluster) {
    client.on("+node", (node: Redis) => hook(node as unknown as Sender));
    for (const node of client.nodes()) hook(node as unknown as Sender);
    return;
  }
  hook(client as unknown as Sender);
}

const hooked = new WeakSet<Sender>();

function hook(redis: Sender): void {
  if (hooked.has(redis)) return;
  hooked.add(redis);
  const mark = tickMark();
  const send = redis.sendCommand.bind(redis);
  redis.sendCommand = (...args) => {
    const socket = redis.stream;
    if (socket !== undefined && socket.writable) corkForTick(socket, mark);
    return send(...args);
  };
}
