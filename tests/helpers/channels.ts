import assert from "node:assert/strict";
import { type ChannelEvent, compareIds, type ServerFrameOf } from "../../lib/protocol";
import { EMIT_TOKEN, emit } from "./realtime-emit";
import type { TestClient } from "./ws-client";

/** What test instances need for `POST /api/realtime/emit` (helpers/realtime-emit.ts). */
export const EMIT_ENV = { REALTIME_EMIT_TOKEN: EMIT_TOKEN };

/** An `announcement.posted` (the app's own event, lib/app-realtime.ts) to `channel` through `base`. */
export function announceTo(base: string, channel: string, text: string): Promise<ChannelEvent> {
  return emit(base, { channel, event: "announcement.posted", data: { text } });
}

export type SubscribeSpec = { channel: string; events?: string[]; since?: string; history?: number };

/**
 * Sends `subscribe` and resolves with the backlog (`events` frame) once `subscribed` and `events`
 * arrived for the channel, in that order, with nothing of the channel in between; an `error` for the
 * channel fails the test.
 */
export async function subscribe(
  c: TestClient,
  spec: SubscribeSpec,
  timeoutMs = 5000,
): Promise<ServerFrameOf<"events">> {
  const from = c.frames.length;
  c.send({ type: "subscribe", ...spec });
  const first = await c.waitFor(
    (f) => (f.type === "subscribed" || f.type === "error") && f.channel === spec.channel,
    timeoutMs,
    `the answer to subscribe ${spec.channel}`,
    from,
  );
  assert.equal(first.type, "subscribed", `subscribe ${spec.channel}: ${JSON.stringify(first)}`);
  const backlog = await c.waitFor(
    (f) => f.type === "events" && f.channel === spec.channel,
    timeoutMs,
    `the backlog of ${spec.channel}`,
    from,
  );
  assert.ok(backlog.type === "events");
  const own = channelFrames(c, spec.channel, from).map((f) => f.type);
  assert.deepEqual(own.slice(0, 2), ["subscribed", "events"], `first frames of ${spec.channel}`);
  return backlog;
}

/** Sends `subscribe` and resolves with the `error` it is answered with (the test fails on `subscribed`). */
export async function subscribeError(
  c: TestClient,
  frame: Record<string, unknown>,
  timeoutMs = 5000,
): Promise<ServerFrameOf<"error">> {
  const from = c.frames.length;
  c.send({ type: "subscribe", ...frame });
  const answer = await c.waitFor(
    (f) =>
      (f.type === "subscribed" && f.channel === frame.channel) ||
      (f.type === "error" && (f.channel === undefined || f.channel === frame.channel)),
    timeoutMs,
    `the answer to subscribe ${String(frame.channel)}`,
    from,
  );
  assert.equal(answer.type, "error", `expected an error, got ${JSON.stringify(answer)}`);
  assert.ok(answer.type === "error");
  return answer;
}

type ChannelFrame =
  | ServerFrameOf<"subscribed">
  | ServerFrameOf<"events">
  | ServerFrameOf<"event">
  | ServerFrameOf<"unsubscribed">
  | ServerFrameOf<"error">;

/** Every frame about `channel` on this connection (from frame index `from`), in arrival order. */
export function channelFrames(c: TestClient, channel: string, from = 0): ChannelFrame[] {
  return c.frames
    .slice(from)
    .filter(
      (f): f is ChannelFrame =>
        (f.type === "subscribed" ||
          f.type === "events" ||
          f.type === "event" ||
          f.type === "unsubscribed" ||
          f.type === "error") &&
        f.channel === channel,
    );
}

/** The live `event` frames of `channel`, as Events, in arrival order. */
export function liveEvents(c: TestClient, channel: string, from = 0): ChannelEvent[] {
  return channelFrames(c, channel, from).flatMap((f) => (f.type === "event" ? [withoutType(f)] : []));
}

/** Everything `channel` delivered: each backlog's events, then the live events, in arrival order. */
export function delivered(c: TestClient, channel: string, from = 0): ChannelEvent[] {
  return channelFrames(c, channel, from).flatMap((f) =>
    f.type === "events" ? f.events : f.type === "event" ? [withoutType(f)] : [],
  );
}

export const idsOf = (events: readonly ChannelEvent[]): string[] => events.map((e) => e.id);

/** Fails unless the ids strictly increase. */
export function assertIncreasing(ids: readonly string[], what: string): void {
  for (let i = 1; i < ids.length; i++)
    assert.ok(compareIds(ids[i - 1]!, ids[i]!) < 0, `${what}: ${ids[i - 1]} then ${ids[i]} (at ${i})`);
}

function withoutType(f: ServerFrameOf<"event">): ChannelEvent {
  const { type: _type, ...event } = f;
  return event;
}

/** A fresh application channel name for this test process. */
export function channelName(label: string): string {
  return `t.${label}.${process.pid}.${++seq}`;
}
let seq = 0;
