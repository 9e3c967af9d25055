import type { Release } from "./concurrency";

/**
 * Passes `source` through and releases the slot once it ends: finished, returned by its reader
 * (the stream was cancelled) or the request aborted, whichever comes first.
 */
export function holdUntilEnd<T>(
  source: AsyncIterableIterator<T>,
  release: Release,
  signal: AbortSignal,
): AsyncIterableIterator<T> {
  if (signal.aborted) release();
  else signal.addEventListener("abort", release, { once: true });
  const done = () => {
    release();
    signal.removeEventListener("abort", release);
  };
  return {
    async next() {
      const r = await source.next();
      if (r.done) done();
      return r;
    },
    async return(value?: unknown) {
      done();
      return (await source.return?.(value)) ?? { done: true, value: undefined };
    },
    async throw(e?: unknown) {
      done();
      if (source.throw) return source.throw(e);
      throw e;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
