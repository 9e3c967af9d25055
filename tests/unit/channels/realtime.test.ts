import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { z } from "zod";
import { Realtime } from "../../../lib/channels/realtime";
import { isFlareError } from "../../../lib/protocol";
import { eventually } from "../../helpers/wait";

/** The server API in this process over the in-memory instance (no REDIS_URL): emit, history, subscribe. */

delete process.env.REDIS_URL;

const realtime = new Realtime({
  schema: {
    job: { progress: z.object({ pct: z.number().min(0).max(100) }), done: z.object({ url: z.string() }) },
    alert: z.string(),
  },
});

let seq = 0;
const fresh = () => `jobs-${++seq}`;

describe("Realtime (server API, in memory)", () => {
  it("emit validates against the schema and returns the stored event", async () => {
    const channel = realtime.channel(fresh());
    const stored = await channel.emit("job.progress", { pct: 10 });
    assert.equal(stored.event, "job.progress");
    assert.deepEqual(stored.data, { pct: 10 });
    assert.match(stored.id, /^\d+-\d+$/);
    await assert.rejects(
      channel.emit("job.progress", { pct: 200 }),
      (e) => isFlareError(e) && e.code === "bad_request" && /pct/.test(e.message),
    );
    const history = await channel.history();
    assert.deepEqual(
      history.map((e) => e.data),
      [{ pct: 10 }],
      "a refused emit stores nothing",
    );
  });

  it("subscribe: history first, then live, filtered by event; after: resumes without a gap", async () => {
    const channel = realtime.channel(fresh());
    const first = await channel.emit("job.progress", { pct: 1 });
    await channel.emit("alert", "hello");
    const got: string[] = [];
    const stop = await channel.subscribe({
      events: ["job.progress", "job.done"],
      history: true,
      onData: (e) => got.push(e.event === "job.progress" ? `progress ${e.data.pct}` : e.event),
    });
    await channel.emit("job.done", { url: "/x" });
    await channel.emit("alert", "ignored");
    await eventually(() => got.length === 2, 2000, "history + live");
    assert.deepEqual(got, ["progress 1", "job.done"]);
    stop();
    await channel.emit("job.progress", { pct: 50 });
    assert.equal(got.length, 2, "nothing after stop");

    const resumed: unknown[] = [];
    const stop2 = await channel.subscribe({ after: first.id, onData: (e) => resumed.push(e.data) });
    await eventually(() => resumed.length === 4, 2000, "everything after the first");
    assert.deepEqual(resumed, ["hello", { url: "/x" }, "ignored", { pct: 50 }]);
    stop2();
  });

  it("after: an id the channel no longer holds is reported with onReset, then the newest events follow", async () => {
    const channel = realtime.channel(fresh());
    await channel.emit("alert", "kept");
    const got: unknown[] = [];
    let resets = 0;
    const stop = await channel.subscribe({
      after: "1-0",
      onReset: () => resets++,
      onData: (e) => got.push(e.data),
    });
    await channel.emit("alert", "live");
    await eventually(() => got.includes("live"), 2000, "the live event");
    assert.equal(resets, 1, "the gap is reported, not skipped silently");
    assert.deepEqual(got, ["kept", "live"], "the newest events follow the reset");
    stop();
  });

  it("emitMany stores one event per channel; the default channel serves realtime.emit", async () => {
    const [a, b] = [fresh(), fresh()];
    const stored = await realtime.emitMany([a, b], "alert", "both");
    assert.deepEqual(
      stored.map((e) => e.channel),
      [a, b],
    );
    const d = await realtime.emit("alert", "to default");
    assert.equal(d.channel, "default");
    assert.equal((await realtime.history({ limit: 1 }))[0]?.id, d.id);
  });

  it("history by ids and epoch ms; limit must be 1–1000", async () => {
    const channel = realtime.channel(fresh());
    const one = await channel.emit("alert", "1");
    const two = await channel.emit("alert", "2");
    assert.deepEqual(
      (await channel.history({ start: two.id })).map((e) => e.data),
      ["2"],
    );
    assert.deepEqual(
      (await channel.history({ end: one.id })).map((e) => e.data),
      ["1"],
    );
    assert.equal((await channel.history({ start: one.ts, end: two.ts })).length, 2);
    await assert.rejects(channel.history({ limit: 0 }), (e) => isFlareError(e) && e.code === "bad_request");
  });

  it("data over 32 KiB of JSON is refused with too_large", async () => {
    const channel = realtime.channel(fresh());
    await assert.rejects(
      channel.emit("alert", "x".repeat(33 * 1024)),
      (e) => isFlareError(e) && e.code === "too_large",
    );
  });

  it("a room channel needs its room", async () => {
    await assert.rejects(
      realtime.channel("x".repeat(21)).emit("alert", "no room"),
      (e) => isFlareError(e) && e.code === "room_not_found",
    );
  });
});
