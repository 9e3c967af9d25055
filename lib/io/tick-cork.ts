import type { Writable } from "node:stream";

/**
 * Corking for the rest of the current tick (the running callback plus the nextTicks and
 * microtasks it queues): what is written to a corked socket meanwhile leaves in one system call
 * (`writev` when there is more than one chunk), and one `process.nextTick` uncorks every socket
 * corked in the tick. Nothing waits past the tick.
 *
 * Redis connections (lib/redis/coalesce-writes.ts) and WebSockets (lib/hub/connection.ts) write
 * through it: a burst (many callers resolved by one reply read, a batch of notices read at once, a
 * join's replies) costs one write per socket instead of one per command or frame.
 */

/** Which tick a socket was last corked in; one per socket, kept by its owner. */
export type TickMark = { corkedAt: number };

export function tickMark(): TickMark {
  return { corkedAt: -1 };
}

/** The current tick; moves on when a tick in which something was corked ends. */
let tick = 0;
let ending = false;
const corked: Writable[] = [];

function endTick(): void {
  ending = false;
  tick++;
  // What an uncork's write leads to belongs to the next tick.
  const sockets = corked.splice(0);
  for (const socket of sockets) socket.uncork();
}

/** Corks `socket` until the current tick ends; once per tick, however often it is called. */
export function corkForTick(socket: Writable, mark: TickMark): void {
  if (mark.corkedAt === tick) return;
  mark.corkedAt = tick;
  socket.cork();
  corked.push(socket);
  if (!ending) {
    ending = true;
    process.nextTick(endTick);
  }
}

/** Writes `chunk` to leave together with whatever else is written to the socket in this tick. */
export function writeInTick(socket: Writable, chunk: Buffer, mark: TickMark): void {
  corkForTick(socket, mark);
  socket.write(chunk);
}
