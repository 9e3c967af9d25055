import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { messagePosts, roomCreation } from "../../../lib/http/limits";
import { KeyedRateLimit } from "../../../lib/http/rate-limit";
import { isFlareError, RATE_BURST } from "../../../lib/protocol";

const T0 = 1_700_000_000_000;

function takes(limit: KeyedRateLimit, key: string, now: number): number {
  let n = 0;
  for (; n < 1000; n++) {
    try {
      limit.take(key, now);
    } catch (e) {
      assert.ok(isFlareError(e), String(e));
      assert.equal(e.code, "rate_limited");
      assert.equal(e.status, 429);
      return n;
    }
  }
  return n;
}

describe("KeyedRateLimit", () => {
  it("allows a burst per key, then answers 429 rate_limited", () => {
    const limit = new KeyedRateLimit(2, 5);
    assert.equal(takes(limit, "a", T0), 5);
    assert.throws(() => limit.take("a", T0), { code: "rate_limited" });
  });

  it("keeps keys apart", () => {
    const limit = new KeyedRateLimit(2, 5);
    assert.equal(takes(limit, "a", T0), 5);
    assert.equal(takes(limit, "b", T0), 5);
    assert.equal(limit.size, 2);
  });

  it("refills at its rate and saves up no more than the burst", () => {
    const limit = new KeyedRateLimit(2, 5);
    takes(limit, "a", T0);
    assert.throws(() => limit.take("a", T0 + 499));
    assert.doesNotThrow(() => limit.take("a", T0 + 500), "one token after 1/rate seconds");
    assert.throws(() => limit.take("a", T0 + 500));
    assert.equal(takes(limit, "a", T0 + 1500), 2, "two tokens a second");
    assert.equal(takes(limit, "a", T0 + 60_000), 5, "a long pause saves up only the burst");
  });

  it("forgets idle keys once it tracks many, keeping the busy ones", () => {
    const limit = new KeyedRateLimit(1, 2);
    for (let i = 0; i <= 10_000; i++) limit.take(`idle-${i}`, T0);
    assert.equal(takes(limit, "busy", T0 + 1500), 2);
    assert.equal(limit.size, 10_002);
    // Past the idle time (burst / rate = 2 s) of the first keys, not of "busy".
    limit.take("new", T0 + 2001);
    assert.equal(limit.size, 2);
    assert.throws(() => limit.take("busy", T0 + 2001), { code: "rate_limited" }, "busy kept its bucket");
  });
});

describe("HTTP limits", () => {
  it("room creation: a burst of 30 per address, then one a second", () => {
    const key = `creator-${Math.random()}`;
    assert.equal(takes(roomCreation, key, T0), 30);
    assert.doesNotThrow(() => roomCreation.take(key, T0 + 1000));
    assert.throws(() => roomCreation.take(key, T0 + 1000));
  });

  it("posts: the WebSocket's message budget per address and room", () => {
    const key = `poster-${Math.random()} room`;
    assert.equal(takes(messagePosts, key, T0), RATE_BURST);
  });
});
