import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import Redis from "ioredis";
import { watchCommands } from "../../../lib/redis/watch-commands";
import { startRedis } from "../../helpers/redis-server";

describe("watchCommands", async () => {
  const redis = await startRedis();
  const skip = redis ? false : "redis-server not found";
  after(async () => {
    await redis?.stop();
  });

  function watched(timeoutMs: number) {
    const client = new Redis(redis!.url, { enableOfflineQueue: false, lazyConnect: true });
    const settled: { name: string; ms: number }[] = [];
    watchCommands(client, { timeoutMs, settled: (name, ms) => settled.push({ name, ms }) });
    return { client, settled };
  }

  it("reports every answered command, pipelined ones too, with its name and latency", { skip }, async () => {
    const { client, settled } = watched(2000);
    try {
      await client.connect();
      settled.length = 0;
      assert.equal(await client.echo("a"), "a");
      await client.pipeline().set("k", "1").get("k").exec();
      assert.deepEqual(
        settled.map((s) => s.name),
        ["echo", "set", "get"],
      );
      assert.ok(settled.every((s) => s.ms >= 0 && s.ms < 2000));
    } finally {
      client.disconnect();
    }
  });

  it("reports a command Redis answers with an error, which still rejects with that error", { skip }, async () => {
    const { client, settled } = watched(2000);
    try {
      await client.connect();
      await client.set("text", "not a number");
      settled.length = 0;
      await assert.rejects(client.incr("text"), /not an integer/);
      await assert.rejects(
        client
          .pipeline()
          .incr("text")
          .exec()
          .then((r) => {
            throw r?.[0]?.[0];
          }),
        /not an integer/,
      );
      assert.deepEqual(
        settled.map((s) => s.name),
        ["incr", "incr"],
      );
    } finally {
      client.disconnect();
    }
  });

  it("rejects a command Redis does not answer in time, and only that one", { skip }, async () => {
    const { client, settled } = watched(300);
    const blocker = new Redis(redis!.url);
    try {
      await client.connect();
      await blocker.client("PAUSE", 1500, "ALL");
      const started = Date.now();
      await assert.rejects(client.get("k"), /Command timed out/);
      const waited = Date.now() - started;
      assert.ok(waited >= 290 && waited < 1000, `rejected after ${waited} ms`);
      assert.equal(settled.at(-1)?.name, "get");
      await blocker.client("UNPAUSE");
      assert.equal(await client.echo("after"), "after");
    } finally {
      client.disconnect();
      blocker.disconnect();
    }
  });
});
