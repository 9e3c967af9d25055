import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Message } from "../../../lib/protocol";
import { Subscriber } from "../../../lib/chat/subscriber";

const msg = (id: string): Message => ({ id, room: "r", clientId: "c", name: "C", text: id, ts: 1 });

/** Ends the subscriber after what it queued, and lists that. */
async function collect(sub: Subscriber): Promise<string[]> {
  sub.finish();
  const out: string[] = [];
  for await (const e of sub) out.push(e.type === "message" ? `message ${e.message.id}` : e.type);
  return out;
}

describe("Subscriber", () => {
  it("replays its first history as messages, and a fresh start is no reset", async () => {
    const sub = new Subscriber(true);
    sub.roomId = "r";
    sub.history([msg("1-0"), msg("2-0")], true);
    sub.message(msg("3-0"));
    assert.deepEqual(await collect(sub), ["message 1-0", "message 2-0", "message 3-0"]);
  });

  it("says reset first when the `since` it resumed from is gone", async () => {
    const sub = new Subscriber(true, "0-1");
    sub.roomId = "r";
    sub.history([msg("5-0")], true);
    assert.deepEqual(await collect(sub), ["reset", "message 5-0"]);
  });

  it("says reset in the middle of the stream when the room's log restarted", async () => {
    const sub = new Subscriber(true);
    sub.roomId = "r";
    sub.history([msg("1-0")], false);
    sub.message(msg("2-0"));
    sub.history([msg("1-0")], true);
    assert.deepEqual(await collect(sub), ["message 1-0", "message 2-0", "reset", "message 1-0"]);
  });

  it("without replay, the first history only sets the starting point", async () => {
    const sub = new Subscriber(false);
    sub.roomId = "r";
    sub.history([msg("1-0")], true);
    sub.message(msg("2-0"));
    assert.deepEqual(await collect(sub), ["message 2-0"]);
  });
});
