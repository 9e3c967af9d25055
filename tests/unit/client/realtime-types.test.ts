import assert from "node:assert/strict";
import { it } from "node:test";
import type { AppEvents } from "../../../lib/app-realtime";
import { createRealtime } from "../../../lib/client/realtime/react";

/**
 * `useRealtime` is typed by the app's schema: the `@ts-expect-error` lines fail `tsc` (npm test's
 * type-check) the day a wrong event name or payload type-checks. Never called: hooks need React.
 */
const { useRealtime } = createRealtime<AppEvents>();

export function useTypeChecks() {
  useRealtime({
    channels: ["announcements"],
    events: ["announcement.posted"],
    onData: ({ event, data }) => {
      const e: "announcement.posted" = event;
      const text: string = data.text;
      const by: string | undefined = data.by;
      // @ts-expect-error: no such field in the event's schema
      void data.author;
      void [e, text, by];
    },
  });
  // @ts-expect-error: no such event
  useRealtime({ events: ["announcement.deleted"] });
  useRealtime({
    onData: (payload) => {
      // @ts-expect-error: without `events`, every event of the schema; none is "job.progress"
      if (payload.event === "job.progress") return;
    },
  });
}

it("createRealtime only types (see the @ts-expect-error lines)", () => {
  assert.equal(typeof useRealtime, "function");
});
