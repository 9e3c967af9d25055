import { once } from "node:events";

type Target = NodeJS.EventEmitter | EventTarget;

/**
 * Resolves at `target`'s next `event`, once `timeoutMs` have passed, or when `cancel` aborts,
 * whichever comes first; the listener goes with it. The timeout is a timer of its own: on Node 20
 * an `AbortSignal.timeout` inside `AbortSignal.any` is garbage-collected before it fires once a GC
 * runs (nodejs/node#57736), and the wait would lose its bound.
 */
export async function onceWithin(target: Target, event: string, timeoutMs: number, cancel: AbortSignal): Promise<void> {
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), timeoutMs);
  try {
    const signal = AbortSignal.any([cancel, timeout.signal]);
    await once(target as NodeJS.EventEmitter, event, { signal }).catch(() => {});
  } finally {
    clearTimeout(timer);
  }
}
