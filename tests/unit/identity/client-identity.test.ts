import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import Redis from "ioredis";
import { ClientIdentity, newClientToken } from "../../../lib/identity/client-identity";
import { MemoryBindings } from "../../../lib/identity/memory-bindings";
import { RedisBindings } from "../../../lib/identity/redis-bindings";
import type { ClientBindings } from "../../../lib/identity/types";
import { clientBindingKey } from "../../../lib/redis/keys";
import { hashToken } from "../../../lib/rooms/tokens";
import { startRedis } from "../../helpers/redis-server";

let seq = 0;
const cid = () => `c${process.pid}-${++seq}`;

/** The binding rules, the same for every store. */
function bindingRules(name: string, bindings: () => ClientBindings, skip: string | false = false) {
  describe(`client bindings [${name}]`, { skip }, () => {
    it("first use binds, the same hash matches, another hash is taken", async () => {
      const b = bindings();
      const id = cid();
      assert.equal(await b.bind(id, "h1", 60_000), "bound");
      assert.equal(await b.bind(id, "h1", 60_000), "matched");
      assert.equal(await b.bind(id, "h2", 60_000), "taken");
      assert.equal(await b.bind(cid(), "h2", 60_000), "bound", "bindings are per clientId");
    });

    it("a binding ends its life after its last use, not its first", async () => {
      const b = bindings();
      const id = cid();
      await b.bind(id, "h1", 300);
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(await b.bind(id, "h1", 300), "matched", "a use renews it");
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(await b.bind(id, "h2", 300), "taken", "still within the renewed life");
      await new Promise((r) => setTimeout(r, 400));
      assert.equal(await b.bind(id, "h2", 300), "bound", "expired: anyone may bind it");
    });

    it("ClientIdentity: a fresh token on first use, the same person with it, client_taken without it", async () => {
      const identity = new ClientIdentity(bindings());
      const id = cid();
      const first = await identity.claim(id, undefined);
      assert.equal(first.bound, true);
      assert.ok(first.token.length >= 22, "at least 128 bits");
      assert.deepEqual(await identity.claim(id, first.token), { token: first.token, bound: false });
      await assert.rejects(identity.claim(id, undefined), { code: "client_taken", status: 403 });
      await assert.rejects(identity.claim(id, newClientToken()), { code: "client_taken" });
      await assert.rejects(identity.claim("server", undefined), { code: "client_taken" });
      await assert.rejects(identity.claim("server", first.token), { code: "client_taken" });
    });

    it("ClientIdentity: a token presented for an unbound clientId binds it (a store that lost its data)", async () => {
      const identity = new ClientIdentity(bindings());
      const token = newClientToken();
      assert.deepEqual(await identity.claim(cid(), token), { token, bound: true });
    });
  });
}

bindingRules("memory", () => new MemoryBindings());

describe("client bindings in Redis", async () => {
  const redis = await startRedis();
  let client: Redis;
  before(() => {
    if (redis) client = new Redis(redis.url);
  });
  after(async () => {
    if (!redis) return;
    await client.quit();
    await redis.stop();
  });
  bindingRules("redis", () => new RedisBindings(client, "test"), redis ? false : "redis-server not found");

  it("stores only the token's hash, under the clientId's key, expiring", { skip: !redis }, async () => {
    const identity = new ClientIdentity(new RedisBindings(client, "test"));
    const id = cid();
    const { token } = await identity.claim(id, undefined);
    assert.equal(await client.get(clientBindingKey(id)), hashToken(token));
    const ttl = await client.pttl(clientBindingKey(id));
    assert.ok(ttl > 23 * 3600_000 && ttl <= 24 * 3600_000, `ttl ${ttl}`);
  });
});
