import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { createCommandClient } from "../../../lib/redis/client";
import { Commands } from "../../../lib/redis/commands";
import { startRedis } from "../../helpers/redis-server";

describe("Commands before the first connection", async () => {
  const redis = await startRedis();
  const skip = redis ? false : "redis-server not found";
  after(async () => {
    await redis?.stop();
  });

  it("a burst of commands waits for the first connection on one listener, then all run", { skip }, async () => {
    const client = createCommandClient(redis!.url, "commands-test");
    try {
      const commands = new Commands(client, "test");
      const listenersBefore = client.listenerCount("ready");
      const replies = Array.from({ length: 100 }, (_, i) => commands.run((c) => c.echo(`m${i}`)));
      assert.ok(
        client.listenerCount("ready") <= listenersBefore + 1,
        `${client.listenerCount("ready")} ready listeners`,
      );
      assert.deepEqual(
        await Promise.all(replies),
        Array.from({ length: 100 }, (_, i) => `m${i}`),
      );
    } finally {
      client.disconnect();
    }
  });
});
