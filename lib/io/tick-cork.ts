import type { Writable } from "node:stream";

/**
 * Corking for the rest of the current tick (the running callback plus the nextTicks and
 * microtasks it queues): what is written to a corked socket meanwhile leaves in one `writev`, and
 * one `process.nextTick` uncorks every socket corked in the tick. Nothing waits past the tick.
 *
 * The Redis connections cork on their first command of a tick (lib/redis/coalesce-writes.ts);
 * WebSockets on their second frame (lib/hub/connection.ts), so that the usual lone frame is
 * written at once and only a burst is gathered.
 */

/** Where a socket stands in the current tick; one per socket, kept by its owner. */
export type TickMark = { writtenAt: number; corkedAt: number };

export function tickMark(): TickMark {
  return { writtenAt: -1, corkedAt: -1 };
}

/** Counts ticks in which something was written or corked here; moves on when they end. */
let tick = 0;
let ending = false;
const corked: Writable[] = [];

function endTick(): void {
  ending = false;
  tick++;
  // Whatever an uncork's write starts belongs to the next tick.
  const sockets = corked.splice(0);
  for (const socket of sockets) socket.uncork();
}

function inTick(): number {
  if (!ending) {
    ending = true;
    process.nextTick(endTick);
  }
  return tick;
}

/** Corks `socket` until the current tick ends; once per tick, however often it is called. */
export function corkForTick(socket: Writable, mark: TickMark): void {
  const now = inTick();
  if (mark.corkedAt === now) return;
  mark.corkedAt = now;
  socket.cork();
  corked.push(socket);
}

/** Writes `chunk`; from the socket's second write within a tick on, the rest of the tick's go out together. */
export function writeInTick(socket: Writable, chunk: Buffer, mark: TickMark): void {
  const now = inTick();
  if (mark.writtenAt !== now) mark.writtenAt = now;
  else corkForTick(socket, mark);
  socket.write(chunk);
}
