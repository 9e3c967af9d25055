import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import Redis from "ioredis";
import { NOTIFY_LUA, parseNotice } from "../../../lib/redis/scripts/notify";
import { startRedis } from "../../helpers/redis-server";

describe("stream notices", async () => {
  const redis = await startRedis();
  const skip = redis ? false : "redis-server not found";
  let pub: Redis;
  let sub: Redis;

  before(() => {
    if (!redis) return;
    pub = new Redis(redis.url);
    sub = new Redis(redis.url);
  });
  after(async () => {
    if (!redis) return;
    pub.disconnect();
    sub.disconnect();
    await redis.stop();
  });

  it("a script's notice is the entry it appended: id and fields, data with newlines intact", { skip }, async () => {
    const key = "flare:{n1}:messages";
    const data = JSON.stringify({ text: "two\nlines" }) + "\nraw tail";
    await sub.ssubscribe(key);
    const got = new Promise<string>((resolve) =>
      sub.once("smessage", (_channel: string, notice: string) => resolve(notice)),
    );
    const id = await pub.eval(
      `${NOTIFY_LUA}
local id = redis.call('XADD', KEYS[1], '*', 'o', ARGV[1], 'd', ARGV[2])
notify(KEYS[1], id, 'o', ARGV[1], 'd', ARGV[2])
return id`,
      1,
      key,
      "inst-a",
      data,
    );
    const parsed = parseNotice(await got);
    assert.deepEqual(parsed, [id, ["o", "inst-a", "d", data]]);
    assert.deepEqual(await pub.xrange(key, "-", "+"), [parsed]);
  });

  it("anything else is not a notice", () => {
    assert.equal(parseNotice(""), undefined);
    assert.equal(parseNotice("1-0\no\ninst"), undefined);
    assert.equal(parseNotice("\no\ni\nd\nx"), undefined);
  });
});
