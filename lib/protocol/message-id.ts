/**
 * Message ids have the shape of Redis stream ids, "<ms>-<seq>", in memory as in Redis, and are
 * ordered within a room by (ms, seq).
 */

/** The most digits either part of an id may have. */
const MAX_PART_DIGITS = 16;

/** The id below every message id: a cursor at the very start of a room's log. */
export const START_ID = "0-0";

export function isMessageId(s: string): boolean {
  return dashOf(s) !== -1;
}

/**
 * Orders two ids by (ms, seq); throws on anything that is not an id. It runs for every reader of
 * every delivered message, so ids are read character by character rather than by regex.
 */
export function compareIds(a: string, b: string): number {
  const dashA = dashOf(a);
  const dashB = dashOf(b);
  if (dashA < 0 || dashB < 0) throw new Error(`not a message id: ${dashA < 0 ? a : b}`);
  const msA = digits(a, 0, dashA);
  const msB = digits(b, 0, dashB);
  if (msA !== msB) return msA < msB ? -1 : 1;
  const seqA = digits(a, dashA + 1, a.length);
  const seqB = digits(b, dashB + 1, b.length);
  return seqA === seqB ? 0 : seqA < seqB ? -1 : 1;
}

/** Where the dash of an id ("<1–16 digits>-<1–16 digits>") is, or -1 when `s` is not one. */
function dashOf(s: string): number {
  const dash = s.indexOf("-");
  const seqDigits = s.length - dash - 1;
  if (dash < 1 || dash > MAX_PART_DIGITS || seqDigits < 1 || seqDigits > MAX_PART_DIGITS) return -1;
  for (let i = 0; i < s.length; i++) {
    if (i === dash) continue;
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
  }
  return dash;
}

function digits(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) n = n * 10 + (s.charCodeAt(i) - 48);
  return n;
}

/** Ids in memory mode: strictly increasing, never behind the wall clock. */
export class IdSequence {
  private ms = 0;
  private seq = 0;

  next(now = Date.now()): string {
    if (now > this.ms) {
      this.ms = now;
      this.seq = 0;
    } else {
      this.seq++;
    }
    return `${this.ms}-${this.seq}`;
  }
}
