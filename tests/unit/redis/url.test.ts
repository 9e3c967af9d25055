import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { redisTarget } from "../../../lib/redis/url";

describe("REDIS_URL", () => {
  it("a redis:// or rediss:// URL is one Redis, passed to ioredis as it is", () => {
    for (const url of ["redis://127.0.0.1:6379", "rediss://default:pw@host.example:6380/0"])
      assert.deepEqual(redisTarget(url), { kind: "single", url });
  });

  it("redis+cluster:// names some nodes of a cluster, with its credentials", () => {
    assert.deepEqual(redisTarget("redis+cluster://127.0.0.1:7000, 127.0.0.1:7001"), {
      kind: "cluster",
      nodes: [
        { host: "127.0.0.1", port: 7000 },
        { host: "127.0.0.1", port: 7001 },
      ],
      options: {},
    });
    assert.deepEqual(redisTarget("rediss+cluster://app:p%40ss@a.example:7000,[::1]:7001/"), {
      kind: "cluster",
      nodes: [
        { host: "a.example", port: 7000 },
        { host: "::1", port: 7001 },
      ],
      options: { username: "app", password: "p@ss", tls: {} },
    });
  });

  it("a cluster URL without a node or with a bad port is refused with a message that says so", () => {
    assert.throws(() => redisTarget("redis+cluster://"), /at least one host:port/);
    assert.throws(() => redisTarget("redis+cluster://h:0,h:99999"), /bad port in "h:0"/);
  });
});
