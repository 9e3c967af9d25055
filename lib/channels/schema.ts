import { z } from "zod";
import { EVENT_NAME_PATTERN } from "../protocol";

/**
 * An application's event schema, as Upstash Realtime takes it: nested objects whose leaves are zod
 * schemas. `{ notification: { alert: z.string() } }` declares the event `"notification.alert"`.
 * The types below turn a schema into its event names and each event's data type, for `emit`,
 * `subscribe` and the client's `useRealtime`.
 */
export type Schema = { [key: string]: z.ZodType | Schema };

type Depth = [never, 0, 1, 2, 3, 4, 5, 6];

/** Every event name of a schema: `"notification.alert" | "job.progress" | …`. */
export type EventPaths<S, D extends number = 6> = [D] extends [never]
  ? never
  : {
      [K in keyof S & string]: S[K] extends z.ZodType ? K : `${K}.${EventPaths<S[K], Depth[D]>}`;
    }[keyof S & string];

/** The zod schema of one event name. */
export type EventSchema<S, P extends string> = P extends `${infer Head}.${infer Rest}`
  ? Head extends keyof S
    ? EventSchema<S[Head], Rest>
    : never
  : P extends keyof S
    ? S[P] extends z.ZodType
      ? S[P]
      : never
    : never;

/** What `emit` takes for an event (the schema's input). */
export type EventInput<S, P extends string> = z.input<EventSchema<S, P>>;
/** What subscribers get for an event (the schema's output). */
export type EventData<S, P extends string> = z.output<EventSchema<S, P>>;

/** One event as `onData` receives it: a union over the events asked for, so `event` narrows `data`. */
export type EventPayload<S, E extends string = EventPaths<S>> = E extends unknown
  ? { event: E; data: EventData<S, E>; channel: string; id: string; ts: number }
  : never;

/** Names the SSE stream uses for its own events (lib/http): an application event may not take them. */
const RESERVED_EVENT_NAMES = new Set(["reset", "unsubscribed", "message", "error"]);

/** The leaves of a schema by event name. */
export function flattenSchema(schema: Schema, prefix = ""): Map<string, z.ZodType> {
  const out = new Map<string, z.ZodType>();
  for (const [key, value] of Object.entries(schema)) {
    const name = prefix + key;
    if (value instanceof z.ZodType) {
      if (!EVENT_NAME_PATTERN.test(name)) throw new Error(`"${name}" is not a valid event name`);
      if (RESERVED_EVENT_NAMES.has(name)) throw new Error(`"${name}" is reserved; nest it, e.g. "app.${name}"`);
      out.set(name, value);
    } else {
      for (const [child, leaf] of flattenSchema(value, `${name}.`)) out.set(child, leaf);
    }
  }
  return out;
}
