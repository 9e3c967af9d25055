import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { contentSecurityPolicy, newNonce } from "../../../lib/ui/content-security-policy";

/** directive name → its sources */
function parse(policy: string): Map<string, string[]> {
  return new Map(
    policy.split(";").map((d) => {
      const [name, ...sources] = d.trim().split(/\s+/);
      return [name!, sources];
    }),
  );
}

describe("contentSecurityPolicy", () => {
  const prod = parse(contentSecurityPolicy({ nonce: "abc", host: "chat.example.com", https: true, dev: false }));

  it("allows scripts only with the nonce, and no eval in production", () => {
    assert.deepEqual(prod.get("script-src"), ["'self'", "'nonce-abc'", "'strict-dynamic'"]);
    assert.deepEqual(prod.get("style-src"), ["'self'", "'nonce-abc'"]);
    for (const sources of prod.values()) {
      assert.ok(!sources.includes("'unsafe-eval'") && !sources.includes("'unsafe-inline'"));
    }
  });

  it("connects to this origin and its WebSocket only, and forbids plugins, <base> and framing", () => {
    assert.deepEqual(prod.get("connect-src"), ["'self'", "wss://chat.example.com"]);
    assert.deepEqual(prod.get("object-src"), ["'none'"]);
    assert.deepEqual(prod.get("base-uri"), ["'none'"]);
    assert.deepEqual(prod.get("frame-ancestors"), ["'none'"]);
    assert.ok(prod.has("upgrade-insecure-requests"));
  });

  it("uses ws: over plain HTTP and never upgrades requests there", () => {
    const local = parse(contentSecurityPolicy({ nonce: "n", host: "127.0.0.1:3000", https: false, dev: false }));
    assert.deepEqual(local.get("connect-src"), ["'self'", "ws://127.0.0.1:3000"]);
    assert.ok(!local.has("upgrade-insecure-requests"));
  });

  it("ignores a Host header that is not a plain host (no injected directives)", () => {
    const odd = parse(contentSecurityPolicy({ nonce: "n", host: "x; script-src *", https: false, dev: false }));
    assert.deepEqual(odd.get("connect-src"), ["'self'"]);
    assert.deepEqual(odd.get("script-src"), ["'self'", "'nonce-n'", "'strict-dynamic'"]);
  });

  it("adds eval and inline styles only in development", () => {
    const dev = parse(contentSecurityPolicy({ nonce: "n", host: "localhost:3000", https: false, dev: true }));
    assert.ok(dev.get("script-src")!.includes("'unsafe-eval'"));
    assert.ok(dev.get("style-src")!.includes("'unsafe-inline'"));
  });
});

describe("newNonce", () => {
  it("is 128 random bits in base64, different each time", () => {
    const a = newNonce();
    assert.equal(Buffer.from(a, "base64").length, 16);
    assert.match(a, /^[A-Za-z0-9+/]+={0,2}$/);
    assert.notEqual(a, newNonce());
  });
});
