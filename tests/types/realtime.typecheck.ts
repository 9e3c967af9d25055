/**
 * Type tests for typed channels (issue #12): never run, only type-checked (`npm run typecheck`, and
 * `npm test` runs tsc over the whole tree). Each `@ts-expect-error` line must fail to compile: a
 * wrong event name or a wrong payload is a compile error in `emit`, `channel(x).emit` and
 * `subscribe`, and `onData` narrows `data` by `event`. If one of them compiles, tsc reports the
 * directive as unused and the type-check fails.
 */
import { z } from "zod";
import { realtime as appRealtime, type AppEvents } from "../../lib/app-realtime";
import type { InferRealtimeEvents, Realtime, RealtimeEvent } from "../../lib/channels/realtime";
import type { EventData, EventPaths } from "../../lib/channels/schema";
import { exact } from "./exact";

/** An application's schema shaped like Upstash Realtime's examples. */
export const schema = {
  notification: { alert: z.string() },
  job: {
    progress: z.object({ jobId: z.string(), percent: z.number().min(0).max(100) }),
    done: z.object({ jobId: z.string(), url: z.url().optional() }),
  },
  chat: { destroy: z.object({ reason: z.enum(["expired", "destroyed"]) }) },
};

/** A Realtime over `schema`; declared, never constructed: this file is only type-checked. */
declare const realtime: Realtime<typeof schema>;
export const realtimeOverSchema = realtime;
type Events = InferRealtimeEvents<typeof realtime>;

export async function eventNamesAndData(): Promise<void> {
  exact<EventPaths<Events>, "notification.alert" | "job.progress" | "job.done" | "chat.destroy">(true);
  exact<EventData<Events, "job.progress">, { jobId: string; percent: number }>(true);
  exact<EventData<Events, "notification.alert">, string>(true);
  // The app's own schema (lib/app-realtime.ts) reaches the client through InferRealtimeEvents.
  exact<AppEvents, InferRealtimeEvents<typeof appRealtime>>(true);
  // @ts-expect-error an event name the schema does not have
  exact<EventPaths<Events>, "notification.alert" | "job.progress" | "job.done" | "chat.destroy" | "job.nope">(true);
}

export async function emitDefaultChannel(): Promise<void> {
  const stored = await realtime.emit("notification.alert", "Your export is ready");
  exact<typeof stored.event, "notification.alert">(true);
  exact<typeof stored.data, string>(true);
  void stored;
  await realtime.emit("job.progress", { jobId: "j1", percent: 50 });

  // @ts-expect-error unknown event name
  await realtime.emit("notification.alarm", "x");
  // @ts-expect-error a namespace is not an event
  await realtime.emit("notification", "x");
  // @ts-expect-error wrong payload type: the alert is a string
  await realtime.emit("notification.alert", 42);
  // @ts-expect-error a required field is missing
  await realtime.emit("job.progress", { jobId: "j1" });
  // @ts-expect-error a field of the wrong type
  await realtime.emit("job.progress", { jobId: "j1", percent: "half" });
  // @ts-expect-error a field the event does not have
  await realtime.emit("job.progress", { jobId: "j1", percent: 1, eta: 3 });
  // @ts-expect-error the payload of another event
  await realtime.emit("chat.destroy", { jobId: "j1", percent: 1 });
  // @ts-expect-error not a value of the enum
  await realtime.emit("chat.destroy", { reason: "deleted" });
}

export async function emitNamedChannel(): Promise<void> {
  const channel = realtime.channel("user-42");
  const stored = await channel.emit("job.done", { jobId: "j1" });
  exact<typeof stored, RealtimeEvent<typeof schema, "job.done">>(true);
  exact<typeof stored.data, { jobId: string; url?: string | undefined }>(true);
  void stored;

  // @ts-expect-error unknown event name
  await channel.emit("job.finished", { jobId: "j1" });
  // @ts-expect-error wrong payload
  await channel.emit("job.done", { jobId: 1 });
  // @ts-expect-error missing payload
  await channel.emit("notification.alert");
  // @ts-expect-error wrong payload
  await realtime.channel("default").emit("notification.alert", { text: "not a string" });
  // @ts-expect-error wrong event in emitMany
  await realtime.emitMany(["a", "b"], "job.nope", { jobId: "j1" });
  // @ts-expect-error wrong payload in emitMany
  await realtime.emitMany(["a", "b"], "notification.alert", null);
}

export async function subscribeNarrows(): Promise<void> {
  const channel = realtime.channel("user-42");
  await channel.subscribe({
    events: ["job.progress", "notification.alert"],
    onData: (e) => {
      exact<typeof e.event, "job.progress" | "notification.alert">(true);
      if (e.event === "job.progress") {
        const percent: number = e.data.percent;
        void percent;
        // @ts-expect-error job.progress has no url
        void e.data.url;
      } else {
        const text: string = e.data;
        void text;
        // @ts-expect-error an alert is a string
        void e.data.percent;
      }
      // @ts-expect-error not narrowed: data may be a string
      void e.data.percent;
      // @ts-expect-error an event outside the filter can never arrive
      if (e.event === "job.done") return;
    },
  });

  // Without `events`, onData gets every event of the schema.
  await channel.subscribe({
    onData: (e) => {
      exact<typeof e.event, EventPaths<Events>>(true);
      if (e.event === "chat.destroy") {
        exact<typeof e.data, { reason: "expired" | "destroyed" }>(true);
      }
    },
    history: { limit: 10 },
  });

  await realtime.subscribe({ events: ["notification.alert"], onData: ({ data }) => data.toUpperCase(), after: "1-0" });

  // @ts-expect-error unknown event name in the filter
  await channel.subscribe({ events: ["job.nope"], onData: () => undefined });
  await channel.subscribe({
    events: ["notification.alert"],
    // @ts-expect-error an alert's data is a string
    onData: ({ data }) => data.percent,
  });
  await channel.subscribe({
    events: ["job.progress"],
    // @ts-expect-error onData declared for another event's data
    onData: (e: { event: "job.progress"; data: string }) => e,
  });
  // @ts-expect-error `after` and `history` exclude each other
  await channel.subscribe({ onData: () => undefined, after: "1-0", history: true });
}

export async function appSchema(): Promise<void> {
  await appRealtime.channel("announcements").emit("announcement.posted", { text: "Deploy at 5" });
  // @ts-expect-error the app's schema has no such event
  await appRealtime.channel("announcements").emit("announcement.deleted", { text: "x" });
  // @ts-expect-error text is required
  await appRealtime.channel("announcements").emit("announcement.posted", { by: "ops" });
}
