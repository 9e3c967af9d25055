import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ChannelCursor } from "../../../lib/http/channel-cursor";
import { ChannelSseFrames } from "../../../lib/http/channel-sse";
import type { ChannelNotice } from "../../../lib/hub/local-channel";
import type { StreamStart } from "../../../lib/http/channel-start";
import { sseFrame, type SseFrame } from "../../../lib/http/sse";
import type { ChannelEvent } from "../../../lib/protocol";

const ev = (channel: string, id: string, event = "announcement.posted"): ChannelEvent => ({
  id,
  channel,
  event,
  data: { text: id },
  ts: 1,
});

function start(channels: string[], held: Record<string, string> = {}, resumed: string[] = []): StreamStart {
  const cursor = new ChannelCursor();
  for (const [c, id] of Object.entries(held)) cursor.set(c, id);
  return { specs: channels.map((channel) => ({ channel })), cursor, resumed: new Set(resumed) };
}

async function frames(notices: ChannelNotice[], s: StreamStart): Promise<SseFrame[]> {
  let stopped = false;
  async function* source(): AsyncGenerator<ChannelNotice> {
    try {
      yield* notices;
    } finally {
      stopped = true;
    }
  }
  const out: SseFrame[] = [];
  for await (const f of new ChannelSseFrames(source(), s)) out.push(f);
  assert.ok(stopped);
  return out;
}

describe("ChannelSseFrames", () => {
  it("gives each event an id: cursor over every channel, then positions the client after the backlogs", async () => {
    const s = start(["a", "b"], { a: "0-0", b: "5-0" });
    const out = await frames(
      [
        { type: "events", channel: "a", events: [ev("a", "1-0"), ev("a", "2-0")], reset: true },
        { type: "events", channel: "b", events: [], reset: false },
        { type: "event", ...ev("b", "6-0") },
        { type: "unsubscribed", channel: "a", reason: "expired" },
        { type: "unsubscribed", channel: "b", reason: "destroyed" },
      ],
      s,
    );
    assert.deepEqual(
      out.map((f) => f.id),
      // b's empty backlog moves nothing: the last event's id already holds every position.
      ["a@1-0,b@5-0", "a@2-0,b@5-0", "a@2-0,b@6-0", undefined, undefined],
    );
    assert.deepEqual(
      out.map((f) => f.event),
      ["announcement.posted", "announcement.posted", "announcement.posted", "unsubscribed", "unsubscribed"],
    );
    assert.deepEqual(JSON.parse(out[0]!.data!), ev("a", "1-0"));
    assert.deepEqual(Object.keys(JSON.parse(out[2]!.data!)), ["id", "channel", "event", "data", "ts"]);
    assert.deepEqual(JSON.parse(out[3]!.data!), { channel: "a", reason: "expired" });
  });

  it("sends the position block only when it says something new", async () => {
    const out = await frames(
      [
        { type: "events", channel: "a", events: [], reset: true },
        { type: "events", channel: "b", events: [], reset: true },
        { type: "unsubscribed", channel: "a" },
        { type: "unsubscribed", channel: "b" },
      ],
      start(["a", "b"], { a: "3-0", b: "0-0" }),
    );
    assert.deepEqual(out[0], { id: "a@3-0,b@0-0" });
    assert.equal(sseFrame(out[0]!), "id: a@3-0,b@0-0\n\n");
  });

  it("announces a reset only where the client held events, or after the first backlog", async () => {
    const out = await frames(
      [
        { type: "events", channel: "held", events: [ev("held", "9-0")], reset: true },
        { type: "events", channel: "fresh", events: [], reset: true },
        { type: "events", channel: "fresh", events: [ev("fresh", "1-0")], reset: true },
        { type: "unsubscribed", channel: "held" },
        { type: "unsubscribed", channel: "fresh" },
      ],
      start(["held", "fresh"], { held: "4-0", fresh: "0-0" }, ["held"]),
    );
    const resets = out.filter((f) => f.event === "reset").map((f) => JSON.parse(f.data!));
    assert.deepEqual(resets, [{ channel: "held" }, { channel: "fresh" }]);
    assert.equal(out[0]!.event, "reset");
  });

  it("ends when the last channel is unsubscribed, and stops following", async () => {
    let stopped = false;
    const source: AsyncIterableIterator<ChannelNotice> = {
      queue: [
        { type: "events", channel: "a", events: [], reset: true },
        { type: "unsubscribed", channel: "a", reason: "destroyed" },
      ] as ChannelNotice[],
      async next() {
        const value = this.queue.shift();
        return value ? { done: false, value } : new Promise<never>(() => {});
      },
      async return() {
        stopped = true;
        return { done: true, value: undefined };
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    } as AsyncIterableIterator<ChannelNotice> & { queue: ChannelNotice[] };
    const out: SseFrame[] = [];
    for await (const f of new ChannelSseFrames(source, start(["a"], { a: "0-0" }))) out.push(f);
    assert.deepEqual(
      out.map((f) => f.event),
      [undefined, "unsubscribed"],
    );
    assert.ok(stopped);
  });
});
