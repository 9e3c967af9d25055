import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type FeedSource, RoomFeed } from "../../../lib/bus/feed";
import { MemoryBus } from "../../../lib/bus/memory";
import type { HistoryResult, TailListener } from "../../../lib/bus/types";
import { FlareError } from "../../../lib/protocol";
import { recorder } from "../../helpers/feed-recorder";

const draft = (text: string) => ({ room: "r", clientId: "c", name: "C", text });

/**
 * A real MemoryBus log under the feed, with hooks a test can hold: history reads that wait for a
 * gate or fail, and the tail's listener so the test can report a restarted log.
 */
function source(bus: MemoryBus) {
  const log = bus.feedSource("r");
  let gate: Promise<void> | undefined;
  let failures = 0;
  const tails = new Map<TailListener, () => void>();
  const src: FeedSource & {
    hold(): () => void;
    failNext(n: number): void;
    restartLog(fill?: () => Promise<unknown>): Promise<void>;
    tails: Map<TailListener, () => void>;
  } = {
    tails,
    async history(since, limit): Promise<HistoryResult> {
      if (failures > 0) {
        failures--;
        throw new FlareError("unavailable");
      }
      const read = log.history(since, limit);
      await gate;
      return read;
    },
    tail(afterId, listener) {
      tails.set(listener, log.tail(afterId, listener));
      return () => {
        tails.get(listener)?.();
        tails.delete(listener);
      };
    },
    synced: () => log.synced(),
    hold() {
      let release!: () => void;
      gate = new Promise((r) => (release = r));
      return () => {
        gate = undefined;
        release();
      };
    },
    failNext(n) {
      failures = n;
    },
    /**
     * What a Redis restart does: the log is replaced (by what `fill` stores), the tails say so, then
     * follow the new log from "0-0".
     */
    async restartLog(fill) {
      for (const stop of tails.values()) stop();
      await bus.deleteRoom("r");
      await fill?.();
      for (const listener of tails.keys()) listener.reset();
      for (const listener of tails.keys()) tails.set(listener, log.tail("0-0", listener));
    },
  };
  return src;
}

const texts = (r: ReturnType<typeof recorder>) => r.messages.map((m) => m.text);

describe("RoomFeed", () => {
  it("gives a reader its history, then live messages, in order", async () => {
    const bus = new MemoryBus("i1");
    await bus.append(draft("old"));
    const feed = new RoomFeed(source(bus), { event: () => {}, reset: () => {} });
    const r = recorder();
    await feed.open(r);
    await bus.append(draft("live 1"));
    await bus.append(draft("live 2"));
    assert.deepEqual(
      r.histories.map((h) => [h.messages.map((m) => m.text), h.reset]),
      [[["old"], true]],
    );
    assert.deepEqual(texts(r), ["old", "live 1", "live 2"]);
  });

  it("misses and doubles nothing that is stored while a later reader's history is in flight", async () => {
    const bus = new MemoryBus("i1");
    const src = source(bus);
    const feed = new RoomFeed(src, { event: () => {}, reset: () => {} });
    const first = recorder();
    await feed.open(first);
    const start = await bus.append(draft("m0"));
    const release = src.hold();
    const second = recorder();
    const opening = feed.open(second, { since: start.message.id });
    await bus.append(draft("m1")); // stored after the history read began: held, then deduplicated
    await bus.append(draft("m2"));
    release();
    await opening;
    await bus.append(draft("m3"));
    assert.deepEqual(texts(first), ["m0", "m1", "m2", "m3"]);
    assert.deepEqual(texts(second), ["m1", "m2", "m3"]);
    const ids = second.messages.map((m) => m.id);
    assert.deepEqual([...new Set(ids)], ids);
  });

  it("runs beforeLive after the history and before the first live message", async () => {
    const bus = new MemoryBus("i1");
    const feed = new RoomFeed(source(bus), { event: () => {}, reset: () => {} });
    const order: string[] = [];
    const r = recorder();
    const sink = {
      history: (messages: never[], reset: boolean) => (order.push("history"), r.history(messages, reset)),
      message: (m: Parameters<typeof r.message>[0]) => (order.push(`message ${m.text}`), r.message(m)),
      unavailable: () => {},
    };
    await feed.open(sink, {
      beforeLive: async () => {
        await bus.append(draft("during"));
        order.push("beforeLive");
      },
    });
    assert.deepEqual(order, ["history", "beforeLive", "message during"]);
  });

  it("a second reader of the room gets its own backlog from its own `since`", async () => {
    const bus = new MemoryBus("i1");
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await bus.append(draft(`m${i}`))).message.id);
    const feed = new RoomFeed(source(bus), { event: () => {}, reset: () => {} });
    const a = recorder();
    const b = recorder();
    await feed.open(a, { since: ids[2] });
    await feed.open(b, { since: ids[0] });
    await bus.append(draft("live"));
    assert.deepEqual(texts(a), ["m3", "live"]);
    assert.deepEqual(texts(b), ["m1", "m2", "m3", "live"]);
    assert.deepEqual(
      b.histories.map((h) => h.reset),
      [false],
    );
  });

  it("on a restarted log every live reader gets the newest history with reset:true, then live", async () => {
    const bus = new MemoryBus("i1");
    const src = source(bus);
    let resets = 0;
    const feed = new RoomFeed(src, { event: () => {}, reset: () => resets++ });
    await bus.append(draft("before"));
    const r = recorder();
    await feed.open(r);
    await src.restartLog(() => bus.append(draft("new log")));
    await waitUntil(() => resets === 1);
    await bus.append(draft("after"));
    assert.deepEqual(
      r.histories.map((h) => [h.messages.map((m) => m.text), h.reset]),
      [
        [["before"], true],
        [["new log"], true],
      ],
    );
    assert.deepEqual(texts(r), ["before", "new log", "after"]);
  });

  it("tells its readers when the restarted log cannot be read, after one retry", async () => {
    const bus = new MemoryBus("i1");
    const src = source(bus);
    let resets = 0;
    const feed = new RoomFeed(src, { event: () => {}, reset: () => resets++ });
    const r = recorder();
    await feed.open(r);
    src.failNext(2);
    await src.restartLog();
    await waitUntil(() => resets === 1, 3000);
    assert.equal(r.gaveUp, true);
  });

  it("a failed open leaves nothing behind, and the next open starts the tail", async () => {
    const bus = new MemoryBus("i1");
    const src = source(bus);
    const feed = new RoomFeed(src, { event: () => {}, reset: () => {} });
    src.failNext(1);
    await assert.rejects(feed.open(recorder()), (e: unknown) => e instanceof FlareError);
    assert.equal(src.tails.size, 0);
    const r = recorder();
    await feed.open(r);
    await bus.append(draft("live"));
    assert.deepEqual(texts(r), ["live"]);
  });

  it("stops the tail when its last reader closes, and starts a new one for the next reader", async () => {
    const bus = new MemoryBus("i1");
    const src = source(bus);
    const feed = new RoomFeed(src, { event: () => {}, reset: () => {} });
    const a = recorder();
    await feed.open(a);
    feed.close(a);
    assert.equal(src.tails.size, 0);
    await bus.append(draft("while nobody reads"));
    const b = recorder();
    await feed.open(b);
    assert.equal(src.tails.size, 1);
    assert.deepEqual(texts(a), []);
    assert.deepEqual(texts(b), ["while nobody reads"]);
  });

  it("gives no reader an entry twice when the tail repeats or goes back, wherever each reader stands", async () => {
    const bus = new MemoryBus("i1");
    const src = source(bus);
    const feed = new RoomFeed(src, { event: () => {}, reset: () => {} });
    const m0 = (await bus.append(draft("m0"))).message;
    const early = recorder();
    await feed.open(early);
    const m1 = (await bus.append(draft("m1"))).message;
    const late = recorder(); // stands on m1 from its history, not from the tail
    await feed.open(late, { since: m0.id });
    const [listener] = src.tails.keys();
    listener!.message(m1); // the tail repeats its newest entry
    listener!.message(m0); // and goes back further
    await bus.append(draft("m2")); // newer than where the tail last stood, and than every reader
    await bus.append(draft("m3"));
    assert.deepEqual(texts(early), ["m0", "m1", "m2", "m3"]);
    assert.deepEqual(texts(late), ["m1", "m2", "m3"]);
  });
});

async function waitUntil(predicate: () => boolean, timeoutMs = 1000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 5));
  }
}
