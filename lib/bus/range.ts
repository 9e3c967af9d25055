import { compareIds, type Message } from "../protocol";
import type { RangeQuery } from "./types";

/** The contract's range rule over an ordered log: inclusive bounds, `limit` from `start` or up to `end`. */
export function sliceRange(log: readonly Message[], { start, end, limit }: RangeQuery): Message[] {
  const inRange = log.filter(
    (m) => (start === undefined || compareIds(m.id, start) >= 0) && (end === undefined || compareIds(m.id, end) <= 0),
  );
  return start !== undefined ? inRange.slice(0, limit) : inRange.slice(-limit);
}
