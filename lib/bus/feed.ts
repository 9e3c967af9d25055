import { compareIds, HISTORY_MAX_BYTES, HISTORY_ON_JOIN, type Message, START_ID } from "../protocol";
import type { Feed, FeedHandlers, FeedOpenOptions, FeedSink, HistoryResult, LogEntry, TailListener } from "./types";

/** What a Bus gives the feed of one room (or channel): reads of its log and a live tail of it. */
export type FeedSource<T extends LogEntry = Message> = {
  history(since: string | undefined, limit: number): Promise<HistoryResult<T>>;
  /** Starts the live tail after `afterId`; returns the function that stops it. */
  tail(afterId: string, listener: TailListener<T>): () => void;
  /** Resolves once the tail follows the log that `history` reads (Redis: after a reconnect was verified). */
  synced(): Promise<void>;
  /**
   * The most JSON one entry can take, when entries can be large (channel events): a history that
   * could pass HISTORY_MAX_BYTES is then cut to its newest entries within it. Unset for rooms,
   * whose 50-message histories always fit.
   */
  maxEntryBytes?: number;
};

type Reader<T extends LogEntry> = {
  sink: FeedSink<T>;
  /** Id of the newest entry this reader was given. */
  lastId: string;
  /** Live entries held back while the reader's history is in flight; null once it reads live. */
  held: T[] | null;
};

/** After a failed history read on reset, one more try before the readers are given up. */
const RESET_RETRY_MS = 500;

/**
 * The one place where "history, then live, nothing missed, nothing doubled, ids strictly
 * increasing" is made true, for every kind of reader and both buses.
 *
 * - The room has one live tail, started at the end of the first reader's history.
 * - A reader is registered (holding live messages back) before its history is read, so whatever
 *   the tail brings meanwhile is kept; after the history it gets what it held above its last id.
 * - When the tail reports that the log restarted, every reader gets the newest history again with
 *   `reset: true` and continues from there; a reader whose history cannot be read is told so.
 */
export class RoomFeed<T extends LogEntry = Message> implements Feed<T> {
  private readonly readers = new Map<FeedSink<T>, Reader<T>>();
  private stopTail: (() => void) | undefined;
  /** Settles once the first reader's history has started the tail; later readers wait for it. */
  private tailStarted: Promise<void> | undefined;
  private resetting = false;
  /** Id of the newest entry the tail brought: most readers stand exactly there. */
  private tailId: string | undefined;

  constructor(
    private readonly source: FeedSource<T>,
    private readonly handlers: FeedHandlers,
  ) {}

  /** Delivers the reader's history, runs `beforeLive`, then live messages. Rejects if the log cannot be read. */
  async open(sink: FeedSink<T>, { since, limit = HISTORY_ON_JOIN, beforeLive }: FeedOpenOptions = {}): Promise<void> {
    while (this.tailStarted) {
      const starting = this.tailStarted;
      await starting.catch(() => {});
      if (this.tailStarted === starting) break;
    }
    const reader: Reader<T> = { sink, lastId: START_ID, held: [] };
    this.readers.set(sink, reader);
    const startsTail = this.tailStarted === undefined;
    const started = startsTail ? this.startTail() : undefined;
    try {
      await this.source.synced();
      const history = withinBudget(await this.source.history(since, limit), limit, this.source.maxEntryBytes);
      started?.run(history, since);
      if (!this.readers.has(sink)) return;
      this.deliverHistory(reader, history, since);
      await beforeLive?.();
      this.release(reader);
    } catch (e) {
      started?.fail(e);
      this.close(sink);
      throw e;
    }
  }

  close(sink: FeedSink<T>): void {
    if (!this.readers.delete(sink) || this.readers.size > 0) return;
    this.stopTail?.();
    this.stopTail = undefined;
    this.tailStarted = undefined;
    this.tailId = undefined;
  }

  private startTail(): { run(history: HistoryResult<T>, since: string | undefined): void; fail(e: unknown): void } {
    let resolve!: () => void;
    let reject!: (e: unknown) => void;
    const started = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    started.catch(() => {});
    this.tailStarted = started;
    return {
      run: (history, since) => {
        // Every reader left while the history was read: no tail; waiting openers start their own.
        if (this.tailStarted === started) this.stopTail = this.source.tail(lastIdOf(history, since), this.listener);
        resolve();
      },
      fail: (e) => {
        if (this.tailStarted === started) this.tailStarted = undefined;
        reject(e);
      },
    };
  }

  private readonly listener: TailListener<T> = {
    message: (message) => {
      // Ordered against the tail's previous entry once, not against each reader's position: a
      // reader that stands on that entry needs no comparison of its own (a room of n is n
      // comparisons per message otherwise, 12 % of a lobby's join storm).
      const previous = this.tailId;
      this.tailId = message.id;
      const follows = previous !== undefined && compareIds(message.id, previous) > 0 ? previous : undefined;
      for (const reader of this.readers.values()) this.deliver(reader, message, follows);
    },
    event: (event) => this.handlers.event(event),
    reset: () => void this.reset(),
  };

  private deliverHistory(reader: Reader<T>, history: HistoryResult<T>, since: string | undefined): void {
    reader.sink.history(history.messages, history.reset);
    reader.lastId = lastIdOf(history, since);
  }

  private release(reader: Reader<T>): void {
    const held = reader.held ?? [];
    reader.held = null;
    for (const message of held) this.deliver(reader, message);
  }

  /** `follows`: an id that `message` is known to come after. */
  private deliver(reader: Reader<T>, message: T, follows?: string): void {
    if (reader.held) {
      reader.held.push(message);
      return;
    }
    if (reader.lastId !== follows && compareIds(message.id, reader.lastId) <= 0) return;
    reader.lastId = message.id;
    reader.sink.message(message);
  }

  /** The log restarted: readers already reading live get the newest history with `reset: true`. */
  private async reset(): Promise<void> {
    if (this.resetting) return;
    this.resetting = true;
    const live = [...this.readers.values()].filter((r) => r.held === null);
    for (const reader of live) reader.held = [];
    try {
      const history = await this.source
        .history(undefined, HISTORY_ON_JOIN)
        .catch(() => delay(RESET_RETRY_MS).then(() => this.source.history(undefined, HISTORY_ON_JOIN)));
      for (const reader of live) {
        if (this.readers.get(reader.sink) !== reader) continue;
        this.deliverHistory(reader, { messages: history.messages, reset: true }, undefined);
        this.release(reader);
      }
    } catch {
      for (const reader of live) {
        reader.held = null;
        reader.sink.unavailable();
      }
    } finally {
      this.resetting = false;
    }
    this.handlers.reset();
  }
}

/**
 * A resume whose backlog is over HISTORY_MAX_BYTES is answered as if `since` were unusable: the
 * newest `limit`, `reset: true` (its tail, since the backlog runs up to the newest message). Sent
 * whole, such a backlog could pass the 1 MiB slow-consumer cut and loop the client on reconnects.
 * Only a backlog longer than a reset would be is measured, so the usual resume costs nothing.
 */
export function withinBudget<T>(history: HistoryResult<T>, limit: number, maxEntryBytes?: number): HistoryResult<T> {
  const fitted = resumeWithinBudget(history, limit);
  if (!maxEntryBytes || fitted.messages.length * maxEntryBytes <= HISTORY_MAX_BYTES) return fitted;
  // Large entries: the newest that fit; whatever is left out makes it a reset.
  const kept = newestWithin(fitted.messages, HISTORY_MAX_BYTES);
  return kept.length < fitted.messages.length ? { ...fitted, messages: kept, reset: true } : fitted;
}

function resumeWithinBudget<T>(history: HistoryResult<T>, limit: number): HistoryResult<T> {
  if (history.reset || history.messages.length <= limit) return history;
  if (Buffer.byteLength(JSON.stringify(history.messages)) <= HISTORY_MAX_BYTES) return history;
  return { messages: limit > 0 ? history.messages.slice(-limit) : [], reset: true };
}

function newestWithin<T>(entries: T[], budget: number): T[] {
  let bytes = 0;
  let from = entries.length;
  while (from > 0) {
    bytes += Buffer.byteLength(JSON.stringify(entries[from - 1])) + 1;
    if (bytes > budget) break;
    from--;
  }
  return entries.slice(from);
}

/** Where a reader stands after a history: its newest entry, else the log's end or `since` (unless the log reset). */
function lastIdOf<T extends LogEntry>(history: HistoryResult<T>, since: string | undefined): string {
  return history.messages.at(-1)?.id ?? history.lastId ?? (history.reset ? START_ID : (since ?? START_ID));
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}
