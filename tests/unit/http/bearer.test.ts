import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { bearerMatches } from "../../../lib/http/bearer";

describe("bearerMatches", () => {
  const token = "0123456789abcdef-token";
  it("accepts exactly `Bearer <token>`", () => {
    assert.equal(bearerMatches(`Bearer ${token}`, token), true);
    assert.equal(bearerMatches(`Bearer ${token}x`, token), false);
    assert.equal(bearerMatches(`Bearer ${token.slice(1)}`, token), false);
    assert.equal(bearerMatches(`bearer ${token}`, token), false);
    assert.equal(bearerMatches(token, token), false);
    assert.equal(bearerMatches(null, token), false);
    assert.equal(bearerMatches("Bearer ", ""), false);
  });
});
