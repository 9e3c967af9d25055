import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { sseEvent, sseResponse } from "../../../lib/http/sse";
import type { Message } from "../../../lib/protocol";
import type { RealtimeEvent } from "../../../lib/realtime";

const message: Message = { id: "1700000000000-3", room: "lobby", clientId: "c1", name: "Ann", text: "hi", ts: 1 };

async function* events(...list: RealtimeEvent[]): AsyncGenerator<RealtimeEvent> {
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
});
