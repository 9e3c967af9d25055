"use client";

import { useSyncExternalStore } from "react";

type Clock = { subscribe: (notify: () => void) => () => void; getSnapshot: () => number };

const clocks = new Map<number, Clock>();

/** One shared interval per tick length, running only while something listens. */
function clock(intervalMs: number): Clock {
  const existing = clocks.get(intervalMs);
  if (existing) return existing;
  const listeners = new Set<() => void>();
  let now = Date.now();
  let timer: ReturnType<typeof setInterval> | undefined;
  const tick = () => {
    now = Date.now();
    for (const l of listeners) l();
  };
  const created: Clock = {
    subscribe(notify) {
      listeners.add(notify);
      if (listeners.size === 1) {
        tick();
        timer = setInterval(tick, intervalMs);
      }
      return () => {
        listeners.delete(notify);
        if (listeners.size === 0) clearInterval(timer);
      };
    },
    getSnapshot: () => now,
  };
  clocks.set(intervalMs, created);
  return created;
}

const noSubscribe = () => () => {};
const serverNow = () => null;

/**
 * The browser's clock, re-read every `intervalMs` while `enabled`. Null on the server and while
 * hydrating, so nothing time-dependent is rendered into the HTML.
 */
export function useNow(intervalMs: number, enabled = true): number | null {
  const c = clock(intervalMs);
  return useSyncExternalStore(enabled ? c.subscribe : noSubscribe, c.getSnapshot, serverNow);
}
