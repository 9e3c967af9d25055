import { compareIds, isMessageId, ROOM_RETAINS, type Message } from "../protocol";

/** A tab keeps no more than the room retains; older ones fall off the top. */
const MAX_KEPT_MESSAGES = ROOM_RETAINS;

/**
 * Adds `incoming` to `current` (sorted by id), dropping duplicates by id and anything that is not
 * a message id. Returns `current` itself when nothing changed, so React can skip a render.
 */
export function mergeMessages(current: readonly Message[], incoming: readonly Message[]): readonly Message[] {
  const fresh = incoming.filter((m) => isMessageId(m.id));
  if (fresh.length === 0) return current;
  const last = current.at(-1);
  let result: Message[];
  // Fast path: everything is newer than what we hold and already in order (the live feed).
  if (
    (!last || compareIds(fresh[0]!.id, last.id) > 0) &&
    fresh.every((m, i) => i === 0 || compareIds(fresh[i - 1]!.id, m.id) < 0)
  ) {
    result = [...current, ...fresh];
  } else {
    const byId = new Map<string, Message>();
    for (const m of current) byId.set(m.id, m);
    let changed = false;
    for (const m of fresh) {
      if (!byId.has(m.id)) {
        byId.set(m.id, m);
        changed = true;
      }
    }
    if (!changed) return current;
    result = [...byId.values()].sort((a, b) => compareIds(a.id, b.id));
  }
  return result.length > MAX_KEPT_MESSAGES ? result.slice(result.length - MAX_KEPT_MESSAGES) : result;
}

/** A fresh sorted, de-duplicated list (history with `reset:true`). */
export function replaceMessages(incoming: readonly Message[]): readonly Message[] {
  return mergeMessages([], incoming);
}
