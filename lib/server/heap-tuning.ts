import { setFlagsFromString } from "node:v8";

/**
 * Caps how far V8 lets the old generation grow past what its last full GC kept before it collects
 * again. V8's own limit grows up to 4× the live heap on a busy process, and nothing collects an idle
 * one: after a burst of joins every object that outlived two scavenges (requests, Redis replies,
 * frames of the burst) stayed in RSS. Measured in issue #9 (4000 joined sockets over 2 instances,
 * RSS read 5 s after the last join): 31.5 KB per connection with V8's default (no full GC ran during
 * the burst), 15–16.5 KB at 20 %, 13.8–14.9 KB at 10 %, of which ~8–12 KB is live. The price is a
 * few more full GCs per burst (~0.2 s of CPU per 1000 joins at 20 %).
 *
 * V8 reads the flag at every full GC, so setting it at run time takes effect from the next one.
 * 0 leaves V8's own factor.
 */
export function tuneHeap(growingPercent: number): void {
  if (growingPercent > 0) setFlagsFromString(`--heap-growing-percent=${growingPercent}`);
}
