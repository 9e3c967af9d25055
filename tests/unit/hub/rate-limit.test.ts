import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { TokenBucket } from "../../../lib/hub/rate-limit";

describe("TokenBucket", () => {
  it("allows a burst, then the sustained rate", () => {
    const b = new TokenBucket(10, 20, 0);
    let ok = 0;
    for (let i = 0; i < 30; i++) if (b.take(0)) ok++;
    assert.equal(ok, 20);
    assert.equal(b.take(50), false);
    assert.equal(b.take(100), true);
    assert.equal(b.take(100), false);
  });
});
