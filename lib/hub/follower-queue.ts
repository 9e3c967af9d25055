/** A follower that falls this far behind is ended rather than buffering without bound. */
const MAX_QUEUED = 5000;

/**
 * What a server-side follower (a room subscriber, a channel stream) has been sent and its reader
 * has not taken yet, as an async iterator. Ends after what is queued once `finish()` is called,
 * at once on `return()`, and by itself when its reader lags MAX_QUEUED behind.
 */
export class FollowerQueue<T> implements AsyncIterableIterator<T> {
  private readonly queue: T[] = [];
  private waiting: ((r: IteratorResult<T>) => void) | undefined;
  private done = false;

  /** `onFinish` runs once, when the iteration is ended by any of the above. */
  constructor(private readonly onFinish: () => void) {}

  get finished(): boolean {
    return this.done;
  }

  put(value: T): void {
    if (this.done) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve({ value, done: false });
      return;
    }
    this.queue.push(value);
    if (this.queue.length > MAX_QUEUED) this.finish();
  }

  finish(): void {
    if (this.done) return;
    this.done = true;
    this.onFinish();
    if (this.waiting && this.queue.length === 0) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve({ value: undefined, done: true });
    }
  }

  next(): Promise<IteratorResult<T>> {
    if (this.queue.length > 0) return Promise.resolve({ value: this.queue.shift() as T, done: false });
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  return(): Promise<IteratorResult<T>> {
    this.queue.length = 0;
    this.finish();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
