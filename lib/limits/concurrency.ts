/** Gives a held slot back; calling it more than once is harmless. */
export type Release = () => void;

/**
 * Concurrent holders per key on this instance (open WebSockets, SSE streams): counted in-process
 * because what they cost (descriptors, memory) is this process's. A key's entry goes when its
 * last slot is released, so the map only holds addresses that hold something.
 */
export class ConcurrencyLimit {
  private readonly held = new Map<string, number>();

  constructor(readonly max: number) {}

  /** Holders of `key` right now. */
  count(key: string): number {
    return this.held.get(key) ?? 0;
  }

  /** A slot for `key`, or null when it already holds `max`. */
  acquire(key: string): Release | null {
    const n = this.count(key);
    if (n >= this.max) return null;
    this.held.set(key, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = this.count(key) - 1;
      if (left > 0) this.held.set(key, left);
      else this.held.delete(key);
    };
  }
}
