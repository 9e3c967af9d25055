import type { RedisClient } from "../../../redis/client";
import { START_ID } from "../../../protocol";
import { CONTROL_STREAM } from "../../../redis/keys";
import { entryId, type ReaderRegistry, type ReaderRoom } from "./registry";

/** Entries read per stream per catch-up round; a log with more left gets another round. */
export const CATCH_UP_PAGE = 200;

type PipelineResults = [Error | null, unknown][] | null;

/** What one catch-up round found for each log it read. */
export type CatchUpOutcome = {
  /** Logs whose message cursor the stream no longer holds: they restart at "0-0". */
  restarted: ReaderRoom[];
  /** Logs (and the control stream) with entries left beyond this round's page. */
  more: ReaderRoom[];
  controlMore: boolean;
};

function entriesAt(results: PipelineResults, i: number): unknown[] {
  const [err, value] = results?.[i] ?? [];
  if (err) throw err;
  return Array.isArray(value) ? value : [];
}

/**
 * One catch-up round, one pipeline: reads each log's streams from its cursors and delivers what it
 * finds, so that with the notices that arrive after the read, nothing is missed.
 * - messages: `XRANGE <cursor> +`, inclusive, so the reply also proves the cursor entry is still
 *   there; when it is not (Redis restarted empty, failover, or the room ran past the retained
 *   window) the log is returned as restarted, and nothing of it is delivered;
 * - events and control: from their cursor, or, the first time, their cursor is set to the stream's
 *   current end (events are live-only: nothing older is wanted).
 * A log whose epoch moved while the read was in flight is left for the next round.
 */
export async function catchUp(
  command: RedisClient,
  registry: ReaderRegistry,
  logs: readonly ReaderRoom[],
  control: boolean,
): Promise<CatchUpOutcome> {
  const pipe = command.pipeline();
  const reads = logs.map((r) => ({ r, epoch: r.epoch, cursor: r.cursor }));
  for (const { r, cursor } of reads) {
    pipe.xrange(r.spec.key, cursor === START_ID ? "-" : cursor, "+", "COUNT", CATCH_UP_PAGE + 1);
    if (r.spec.eventsKey) readFrom(pipe, r.spec.eventsKey, r.eventsCursor);
  }
  if (control) readFrom(pipe, CONTROL_STREAM, registry.controlCursor);
  const results = await pipe.exec();

  const outcome: CatchUpOutcome = { restarted: [], more: [], controlMore: false };
  let i = 0;
  for (const { r, epoch, cursor } of reads) {
    const messages = entriesAt(results, i++);
    const events = r.spec.eventsKey ? entriesAt(results, i++) : undefined;
    if (!registry.follows(r) || r.epoch !== epoch) continue;
    if (cursor !== START_ID && entryId(messages[0]) !== cursor) {
      outcome.restarted.push(r);
      continue;
    }
    const fresh = cursor === START_ID ? messages : messages.slice(1);
    if (events) {
      if (r.eventsCursor === undefined) r.eventsCursor = entryId(events[0]) ?? START_ID;
      else registry.deliverEvents(r, events);
    }
    registry.deliverMessages(r, fresh);
    if (messages.length > CATCH_UP_PAGE || (events?.length ?? 0) >= CATCH_UP_PAGE) outcome.more.push(r);
  }
  if (control) {
    const entries = entriesAt(results, i);
    if (registry.controlCursor === undefined) registry.controlCursor = entryId(entries[0]) ?? START_ID;
    else {
      registry.deliverControl(entries);
      outcome.controlMore = entries.length >= CATCH_UP_PAGE;
    }
  }
  return outcome;
}

/** Entries after `cursor`, or (no cursor yet) the stream's newest entry, to start after it. */
function readFrom(pipe: ReturnType<RedisClient["pipeline"]>, key: string, cursor: string | undefined): void {
  if (cursor === undefined) pipe.xrevrange(key, "+", "-", "COUNT", 1);
  else pipe.xrange(key, cursor === START_ID ? "-" : `(${cursor}`, "+", "COUNT", CATCH_UP_PAGE);
}
