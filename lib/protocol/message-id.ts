/**
 * Message ids have the shape of Redis stream ids, "<ms>-<seq>", in memory as in Redis, and are
 * ordered within a room by (ms, seq).
 */
const ID = /^(\d{1,16})-(\d{1,16})$/;

/** The id below every message id: a cursor at the very start of a room's log. */
export const START_ID = "0-0";

export function isMessageId(s: string): boolean {
  return ID.test(s);
}

export function compareIds(a: string, b: string): number {
  const ma = ID.exec(a);
  const mb = ID.exec(b);
  if (!ma || !mb) throw new Error(`not a message id: ${ma ? b : a}`);
  const msA = Number(ma[1]);
  const msB = Number(mb[1]);
  if (msA !== msB) return msA < msB ? -1 : 1;
  const sA = Number(ma[2]);
  const sB = Number(mb[2]);
  return sA === sB ? 0 : sA < sB ? -1 : 1;
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
