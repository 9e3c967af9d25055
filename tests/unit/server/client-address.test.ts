import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  clientAddress,
  normalizeAddress,
  PEER_ADDRESS_HEADER,
  UNKNOWN_ADDRESS,
} from "../../../lib/server/client-address";

function headers(peer: string, extra: Record<string, string> = {}): Headers {
  return new Headers({ [PEER_ADDRESS_HEADER]: peer, ...extra });
}
const direct = { TRUST_PROXY_HOPS: 0 };
const oneHop = { TRUST_PROXY_HOPS: 1 };
const twoHops = { TRUST_PROXY_HOPS: 2 };

describe("clientAddress", () => {
  it("with no trusted hop is the peer, whatever X-Forwarded-For and X-Real-IP say", () => {
    const h = headers("198.51.100.9", { "x-forwarded-for": "1.1.1.1, 2.2.2.2", "x-real-ip": "3.3.3.3" });
    assert.equal(clientAddress(h, direct), "198.51.100.9");
  });

  it("through one trusted hop is the right-most X-Forwarded-For entry, not the client-written first one", () => {
    // The client wrote "6.6.6.6"; the proxy appended the address it saw.
    const h = headers("10.0.0.2", { "x-forwarded-for": "6.6.6.6, 203.0.113.7" });
    assert.equal(clientAddress(h, oneHop), "203.0.113.7");
  });

  it("through two trusted hops skips the second proxy's entry", () => {
    const h = headers("10.0.0.3", { "x-forwarded-for": "6.6.6.6, 203.0.113.7, 10.0.0.2" });
    assert.equal(clientAddress(h, twoHops), "203.0.113.7");
  });

  it("joins repeated X-Forwarded-For headers into one chain", () => {
    const h = new Headers([
      [PEER_ADDRESS_HEADER, "10.0.0.2"],
      ["x-forwarded-for", "6.6.6.6"],
      ["x-forwarded-for", "203.0.113.7"],
    ]);
    assert.equal(clientAddress(h, oneHop), "203.0.113.7");
  });

  it("with a shorter chain than the trusted hops takes its left-most entry; without the header, the peer", () => {
    assert.equal(clientAddress(headers("10.0.0.2", { "x-forwarded-for": "203.0.113.7" }), twoHops), "203.0.113.7");
    assert.equal(clientAddress(headers("192.0.2.1"), oneHop), "192.0.2.1");
  });

  it("falls back to the peer when the chosen entry is not an address", () => {
    assert.equal(clientAddress(headers("192.0.2.1", { "x-forwarded-for": "garbage" }), oneHop), "192.0.2.1");
  });

  it("on Vercel is the platform's x-real-ip, never the private header", () => {
    const h = headers("6.6.6.6", { "x-real-ip": "203.0.113.7", "x-forwarded-for": "1.1.1.1" });
    assert.equal(clientAddress(h, { TRUST_PROXY_HOPS: 0, VERCEL: "1" }), "203.0.113.7");
    assert.equal(clientAddress(headers("6.6.6.6"), { TRUST_PROXY_HOPS: 0, VERCEL: "1" }), UNKNOWN_ADDRESS);
  });

  it("without any address is one shared 'unknown' key", () => {
    assert.equal(clientAddress(new Headers(), direct), UNKNOWN_ADDRESS);
  });
});

describe("normalizeAddress", () => {
  it("turns IPv4-mapped IPv6 into IPv4", () => {
    assert.equal(normalizeAddress("::ffff:127.0.0.1"), "127.0.0.1");
    assert.equal(normalizeAddress("::FFFF:7f00:1"), "127.0.0.1");
    assert.equal(normalizeAddress("0:0:0:0:0:ffff:203.0.113.7"), "203.0.113.7");
  });

  it("keys IPv6 by its /64, whatever the spelling", () => {
    const a = normalizeAddress("2001:db8:0:1:aaaa::1");
    assert.equal(a, "2001:db8:0:1::/64");
    assert.equal(normalizeAddress("2001:0DB8:0000:0001:ffff:ffff:ffff:ffff"), a);
    assert.equal(normalizeAddress("[2001:db8:0:1::2]:443"), a);
    assert.equal(normalizeAddress("2001:db8::1"), "2001:db8::/64");
    assert.equal(normalizeAddress("fe80::1%eth0"), "fe80::/64");
    assert.equal(normalizeAddress("::1"), "::/64");
    assert.notEqual(normalizeAddress("2001:db8:0:2::1"), a);
  });

  it("keeps IPv4 (dropping a port) and refuses what is not an address", () => {
    assert.equal(normalizeAddress(" 203.0.113.7 "), "203.0.113.7");
    assert.equal(normalizeAddress("203.0.113.7:5555"), "203.0.113.7");
    for (const bad of ["", "unknown", "1.2.3", "999.1.1.1", "::ffff::1", "a b"]) {
      assert.equal(normalizeAddress(bad), UNKNOWN_ADDRESS, bad);
    }
  });
});
