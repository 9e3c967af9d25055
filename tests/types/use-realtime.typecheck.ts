/**
 * Type tests for the client hook (lib/client/realtime/react.tsx): never run, only type-checked.
 * `useRealtime` from `createRealtime<Events>()` refuses an event name outside the schema, and its
 * `onData` gets `data` typed by `event`, narrowed to the events asked for. Each `@ts-expect-error`
 * line must fail to compile, else tsc reports the directive as unused.
 */
import type { AppEvents } from "../../lib/app-realtime";
import type { InferRealtimeEvents } from "../../lib/channels/realtime";
import type { EventPaths } from "../../lib/channels/schema";
import { createRealtime } from "../../lib/client/realtime/react";
import { exact } from "./exact";
import type { realtimeOverSchema } from "./realtime.typecheck";

type Events = InferRealtimeEvents<typeof realtimeOverSchema>;

const { useRealtime } = createRealtime<Events>();
const app = createRealtime<AppEvents>();

/** A hook (so the rules of hooks hold) that is never rendered. */
export function useTypeChecks(): void {
  const { status, errors } = useRealtime({
    channels: ["user-42", "announcements"],
    events: ["job.progress", "notification.alert"],
    onData: (e) => {
      exact<typeof e.event, "job.progress" | "notification.alert">(true);
      exact<typeof e.channel, string>(true);
      if (e.event === "job.progress") {
        exact<typeof e.data, { jobId: string; percent: number }>(true);
        // @ts-expect-error job.progress has no url
        void e.data.url;
      } else {
        exact<typeof e.data, string>(true);
      }
      // @ts-expect-error not narrowed: data may be a string
      void e.data.percent;
      // @ts-expect-error an event outside the filter never arrives
      if (e.event === "job.done") return;
    },
  });
  exact<typeof status, "connecting" | "connected" | "reconnecting" | "disconnected">(true);
  void [status, errors];

  // Without `events`: every event of the schema.
  useRealtime({
    onData: (e) => {
      exact<typeof e.event, EventPaths<Events>>(true);
      if (e.event === "chat.destroy") exact<typeof e.data, { reason: "expired" | "destroyed" }>(true);
    },
  });

  // @ts-expect-error an event the schema does not have
  useRealtime({ channels: ["a"], events: ["job.nope"], onData: () => undefined });
  // @ts-expect-error a namespace is not an event
  useRealtime({ events: ["job"] });
  useRealtime({
    events: ["notification.alert"],
    // @ts-expect-error an alert's data is a string
    onData: ({ data }) => data.percent,
  });
  useRealtime({
    events: ["job.done"],
    // @ts-expect-error onData declared for another payload
    onData: (e: { event: "job.done"; data: number }) => e,
  });
  // @ts-expect-error channels are names
  useRealtime({ channels: [42] });

  app.useRealtime({
    channels: ["announcements"],
    events: ["announcement.posted"],
    onData: ({ data }) => {
      exact<typeof data.text, string>(true);
      // @ts-expect-error the app's announcement has no url
      void data.url;
    },
  });
  // @ts-expect-error the app's schema has no such event
  app.useRealtime({ events: ["notification.alert"] });
}
