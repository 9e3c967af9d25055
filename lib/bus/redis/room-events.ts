import type { EventArgs } from "../../redis/scripts/events";
import type { RoomEvent } from "../types";
import { encodeEvent } from "./codec";

/** Room event streams keep only the newest ~100 entries: events are live-only. */
const EVENTS_MAXLEN = 100;

/**
 * The arguments that end every script appending to a room's events stream (flarePublish, and the
 * presence scripts that signal their change in the same round trip): cap, event, origin.
 */
export function eventArgs(event: RoomEvent, origin: string): EventArgs {
  return [EVENTS_MAXLEN, encodeEvent(event), origin];
}
