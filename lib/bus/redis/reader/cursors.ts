import { compareIds, START_ID } from "../../../protocol";
import { CONTROL_STREAM } from "../../../redis/keys";
import type { ReaderConnection } from "./connection";
import { type ReaderRegistry, type ReaderRoom, restart } from "./registry";

type PipelineResults = [Error | null, unknown][] | null;

/** The id of the one entry an `XRANGE/XREVRANGE … COUNT 1` in the pipeline found, if any. */
function entryIdAt(results: PipelineResults, i: number): string | undefined {
  const [err, value] = results?.[i] ?? [];
  if (err) throw err;
  const first: unknown = Array.isArray(value) ? value[0] : undefined;
  return Array.isArray(first) && typeof first[0] === "string" ? first[0] : undefined;
}

/** True when `cursor` lies beyond the stream's end (or the stream is gone). */
function past(cursor: string, end: string | undefined): boolean {
  if (cursor === START_ID) return false;
  return end === undefined || compareIds(end, cursor) < 0;
}

/**
 * After a (re)connect: a message cursor whose entry the stream no longer holds means the log went
 * away or backwards, so the room restarts at "0-0" and is returned for its tails to be told.
 * Events and control cursors past their stream's end (or on a missing stream) restart at "0-0":
 * anything there now is new.
 */
export async function verifyCursors(conn: ReaderConnection, registry: ReaderRegistry): Promise<ReaderRoom[]> {
  const snapshot = [...registry.rooms.values()].map((r) => ({
    r,
    cursor: r.cursor,
    eventsCursor: r.eventsCursor,
    epoch: r.epoch,
    at: 0,
  }));
  const pipe = conn.client.pipeline();
  let n = 0;
  for (const s of snapshot) {
    const { r, cursor } = s;
    s.at = n;
    pipe.xrange(r.spec.key, cursor === START_ID ? "-" : cursor, cursor === START_ID ? "+" : cursor, "COUNT", 1);
    n++;
    if (r.spec.eventsKey) {
      pipe.xrevrange(r.spec.eventsKey, "+", "-", "COUNT", 1);
      n++;
    }
  }
  pipe.xrevrange(CONTROL_STREAM, "+", "-", "COUNT", 1);
  const results = await conn.guard(pipe.exec());
  const restarted: ReaderRoom[] = [];
  for (const s of snapshot) {
    const { r } = s;
    if (registry.rooms.get(r.spec.key) !== r) continue;
    if (r.spec.eventsKey && r.eventsCursor !== undefined && s.eventsCursor !== undefined) {
      if (past(s.eventsCursor, entryIdAt(results, s.at + 1))) r.eventsCursor = START_ID;
    }
    const found = entryIdAt(results, s.at);
    if (s.cursor === START_ID || found !== undefined || r.cursor !== s.cursor || r.epoch !== s.epoch) continue;
    restart(r);
    restarted.push(r);
  }
  const controlEnd = entryIdAt(results, n);
  if (registry.controlCursor !== undefined && past(registry.controlCursor, controlEnd))
    registry.controlCursor = START_ID;
  return restarted;
}

/** New rooms (and the control stream, once) start reading events at the stream's current end. */
export async function resolveEventCursors(conn: ReaderConnection, registry: ReaderRegistry): Promise<void> {
  const pending = [...registry.rooms.values()].filter((r) => r.eventsCursor === undefined && r.spec.eventsKey);
  const control = registry.controlCursor === undefined;
  if (pending.length === 0 && !control) return;
  const pipe = conn.client.pipeline();
  for (const r of pending) if (r.spec.eventsKey) pipe.xrevrange(r.spec.eventsKey, "+", "-", "COUNT", 1);
  if (control) pipe.xrevrange(CONTROL_STREAM, "+", "-", "COUNT", 1);
  const results = await conn.guard(pipe.exec());
  pending.forEach((r, i) => {
    r.eventsCursor ??= entryIdAt(results, i) ?? START_ID;
  });
  if (control) registry.controlCursor ??= entryIdAt(results, pending.length) ?? START_ID;
}
