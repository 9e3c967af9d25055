import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { sseEvent, sseResponse, sseStream } from "../../../lib/http/sse";
import type { Message } from "../../../lib/protocol";
import type { ChatEvent } from "../../../lib/chat";
import { Subscriber } from "../../../lib/chat/subscriber";

const message: Message = { id: "1700000000000-3", room: "lobby", clientId: "c1", name: "Ann", text: "hi", ts: 1 };

async function* events(...list: ChatEvent[]): AsyncGenerator<ChatEvent> {
  yield* list;
}

describe("SSE", () => {
  it("formats each realtime event; messages carry their id for Last-Event-ID", () => {
    assert.equal(
      sseEvent({ type: "message", message }),
      `id: 1700000000000-3\nevent: message\ndata: ${JSON.stringify(message)}\n\n`,
    );
    assert.equal(
      sseEvent({ type: "presence", room: "lobby", count: 1, users: [{ clientId: "c1", name: "Ann" }] }),
      'event: presence\ndata: {"count":1,"users":[{"clientId":"c1","name":"Ann"}]}\n\n',
    );
    assert.equal(
      sseEvent({ type: "destroyed", room: "r", reason: "expired" }),
      'event: destroyed\ndata: {"reason":"expired"}\n\n',
    );
    assert.equal(sseEvent({ type: "reset", room: "r" }), "event: reset\ndata: {}\n\n");
  });

  it("streams a retry hint, then the events in order, and ends with them", async () => {
    const res = sseResponse(events({ type: "reset", room: "lobby" }, { type: "message", message }));
    assert.equal(res.headers.get("content-type"), "text/event-stream; charset=utf-8");
    assert.equal(res.headers.get("cache-control"), "no-store, no-transform");
    const body = await res.text();
    assert.equal(body, `retry: 3000\n\nevent: reset\ndata: {}\n\n${sseEvent({ type: "message", message })}`);
  });

  const big = (i: number): Message => ({ ...message, id: `1700000000000-${i}`, text: "x".repeat(1000) });
  const decoder = new TextDecoder();

  /** A real room subscriber as the source, and whether the stream stopped it. */
  function source() {
    const sub = new Subscriber(true);
    let stopped = false;
    sub.onClose = () => (stopped = true);
    return { sub, stopped: () => stopped };
  }

  it("never hands the reader more than it asks for, and ends past the unsent cap", async () => {
    const { sub, stopped } = source();
    const reader = sseStream(sub, sseEvent, { maxUnsentBytes: 20_000, pingMs: 60_000 }).getReader();
    assert.equal(decoder.decode((await reader.read()).value), "retry: 3000\n\n");
    // The reader stops reading: 15 events of ~1.1 KB wait in the stream's queue, none is lost.
    for (let i = 0; i < 15; i++) sub.push({ type: "message", message: big(i) });
    await sleep(10);
    assert.equal(stopped(), false);
    const { value } = await reader.read();
    assert.match(decoder.decode(value), /^id: 1700000000000-0\n/);
    // It stalls again; past 20 000 unsent bytes the stream errors and the subscription ends.
    for (let i = 15; i < 40; i++) sub.push({ type: "message", message: big(i) });
    await sleep(10);
    assert.equal(stopped(), true);
    await assert.rejects(reader.read(), /too slow/);
  });

  it("a reader that keeps reading gets every event in order, however many", async () => {
    const { sub } = source();
    const stream = sseStream(sub, sseEvent, { maxUnsentBytes: 20_000, pingMs: 60_000 });
    const reading = new Response(stream).text();
    for (let i = 0; i < 200; i++) {
      sub.push({ type: "message", message: big(i) });
      if (i % 10 === 0) await sleep(1);
    }
    sub.push({ type: "destroyed", room: "lobby", reason: "destroyed" });
    const body = await reading;
    const ids = [...body.matchAll(/^id: (\S+)$/gm)].map((m) => m[1]);
    assert.deepEqual(
      ids,
      Array.from({ length: 200 }, (_, i) => `1700000000000-${i}`),
    );
    assert.ok(body.endsWith('event: destroyed\ndata: {"reason":"destroyed"}\n\n'));
  });

  it("sends a ping comment while idle", async () => {
    const { sub } = source();
    const reader = sseStream(sub, sseEvent, { pingMs: 20 }).getReader();
    await reader.read();
    assert.equal(decoder.decode((await reader.read()).value), ": ping\n\n");
    assert.equal(decoder.decode((await reader.read()).value), ": ping\n\n");
    await reader.cancel();
  });

  it("stops the source when the reader goes away", async () => {
    const { sub, stopped } = source();
    const reader = sseStream(sub, sseEvent, { pingMs: 60_000 }).getReader();
    await reader.read();
    await reader.cancel();
    assert.equal(stopped(), true);
  });
});
