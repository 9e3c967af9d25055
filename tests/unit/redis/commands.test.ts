import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { createCommandClient } from "../../../lib/redis/client";
import { Commands } from "../../../lib/redis/commands";
import { ROOM_NOT_FOUND_REPLY } from "../../../lib/redis/scripts/prelude";
import { isFlareError } from "../../../lib/protocol";
import { startRedis } from "../../helpers/redis-server";

describe("Commands", async () => {
  const redis = await startRedis();
  const skip = redis ? false : "redis-server not found";
  after(async () => {
    await redis?.stop();
  });

  describe("before the first connection", () => {
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

  describe("error contract", () => {
    const code = (expected: string) => (e: unknown) => isFlareError(e) && e.code === expected;

    it("maps a script's ROOM_NOT_FOUND to room_not_found, any other reply error to unavailable", { skip }, async () => {
      const client = createCommandClient(redis!.url, "commands-errors");
      try {
        const commands = new Commands(client, "test");
        const gone = `return redis.error_reply('${ROOM_NOT_FOUND_REPLY} gone')`;
        await assert.rejects(
          commands.run((c) => c.eval(gone, 0)),
          code("room_not_found"),
        );
        await assert.rejects(
          commands.run((c) => c.eval("return redis.error_reply('SOMETHING else')", 0)),
          code("unavailable"),
        );
        assert.equal(await commands.run((c) => c.echo("still fine")), "still fine");
      } finally {
        client.disconnect();
      }
    });

    it(
      "turns an operation that throws into a rejection, and fails at once once the client is closed",
      { skip },
      async () => {
        const client = createCommandClient(redis!.url, "commands-closed");
        const commands = new Commands(client, "test");
        await commands.run((c) => c.ping());
        const thrown = commands.run(() => {
          throw new Error("built a bad command");
        });
        await assert.rejects(thrown, code("unavailable"));
        client.disconnect();
        const started = performance.now();
        await assert.rejects(
          commands.run((c) => c.ping()),
          code("unavailable"),
        );
        assert.ok(performance.now() - started < 500, "waited for a closed client");
      },
    );
  });
});
