import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { onceWithin } from "../../../../lib/bus/redis/reader/once-within";

/** A full garbage collection now, without starting the test process with --expose-gc. */
function collectGarbage(): void {
  setFlagsFromString("--expose-gc");
  (runInNewContext("gc") as () => void)();
}

describe("onceWithin", () => {
  it("resolves at the event, and leaves no listener behind", async () => {
    const emitter = new EventEmitter();
    const waiting = onceWithin(emitter, "ready", 5_000, new AbortController().signal);
    assert.equal(emitter.listenerCount("ready"), 1);
    emitter.emit("ready");
    await waiting;
    assert.equal(emitter.listenerCount("ready"), 0);
  });

  it("resolves once its time is up, even when a GC ran meanwhile (Node 20 loses AbortSignal.timeout inside AbortSignal.any)", async () => {
    const emitter = new EventEmitter();
    const started = performance.now();
    const waiting = onceWithin(emitter, "ready", 200, new AbortController().signal);
    await sleep(20);
    collectGarbage();
    const outcome = await Promise.race([waiting.then(() => "resolved"), sleep(2_000, "still waiting after 2 s")]);
    assert.equal(outcome, "resolved");
    assert.ok(performance.now() - started >= 190, "not before its time");
    assert.equal(emitter.listenerCount("ready"), 0);
  });

  it("resolves at once when cancelled, on an EventTarget too", async () => {
    const target = new EventTarget();
    const cancel = new AbortController();
    const started = performance.now();
    const waiting = onceWithin(target, "synced", 5_000, cancel.signal);
    cancel.abort();
    await waiting;
    assert.ok(performance.now() - started < 1_000);
  });
});
