import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConcurrencyLimit } from "../../../lib/limits/concurrency";

describe("ConcurrencyLimit", () => {
  it("holds at most max slots per key, independently per key", () => {
    const limit = new ConcurrencyLimit(2);
    assert.ok(limit.acquire("a"));
    assert.ok(limit.acquire("a"));
    assert.equal(limit.acquire("a"), null);
    assert.ok(limit.acquire("b"));
    assert.equal(limit.count("a"), 2);
  });

  it("gives a slot back on release, once however often release is called", () => {
    const limit = new ConcurrencyLimit(2);
    const first = limit.acquire("a")!;
    limit.acquire("a");
    first();
    first();
    assert.equal(limit.count("a"), 1);
    assert.ok(limit.acquire("a"));
    assert.equal(limit.acquire("a"), null);
  });

  it("forgets a key whose last slot was released", () => {
    const limit = new ConcurrencyLimit(1);
    limit.acquire("a")!();
    assert.equal(limit.count("a"), 0);
    assert.equal((limit as unknown as { held: Map<string, number> }).held.size, 0);
  });
});
