import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { NextRequest, NextResponse } from "next/server";
import {
  capSeatCookies,
  MAX_SEAT_COOKIES,
  seatCookieName,
  seatCookieOptions,
  seatToken,
  seatTokens,
  setSeatCookie,
} from "../../../lib/rooms/seat-cookie";

const TOKEN = "AbCdEfGhIjKlMnOpQrStUv_-09";

function withCookies(cookie: string): NextRequest {
  return new NextRequest("http://localhost/api/rooms/r1", { headers: { cookie } });
}

function written(roomId: string, expiresAt: number, secure: boolean): string {
  const res = NextResponse.json({});
  setSeatCookie(res.cookies, { roomId, expiresAt }, TOKEN, secure);
  const all = res.headers.getSetCookie();
  assert.equal(all.length, 1);
  return all[0]!;
}

describe("seat cookies: reading", () => {
  it("finds the seat token of each room among other cookies", () => {
    const req = withCookies(`theme=dark; flare_seat_r1=${TOKEN}; flare_seat_r2=${TOKEN.toLowerCase()}; sid=x`);
    assert.deepEqual(
      seatTokens(req.cookies),
      new Map([
        ["r1", TOKEN],
        ["r2", TOKEN.toLowerCase()],
      ]),
    );
    assert.equal(seatToken(req.cookies, "r1"), TOKEN);
    assert.equal(seatToken(req.cookies, "r3"), undefined);
  });

  it("ignores values that cannot be a seat token", () => {
    const tooShort = "A".repeat(15);
    const tooLong = "A".repeat(129);
    const req = withCookies(
      `flare_seat_a=${tooShort}; flare_seat_b=${tooLong}; flare_seat_c=has.dot.inside.it; flare_seat_d=; flare_seat_e=${"B".repeat(16)}`,
    );
    assert.deepEqual([...seatTokens(req.cookies)], [["e", "B".repeat(16)]]);
  });

  it("reads nothing from a request without cookies", () => {
    assert.equal(seatTokens(new NextRequest("http://localhost/").cookies).size, 0);
  });
});

describe("seat cookies: writing", () => {
  it("is HttpOnly, SameSite=Lax, Path=/, named after the room, with the token as value", () => {
    const cookie = written("r1", Date.now() + 600_000, false);
    assert.ok(cookie.startsWith(`flare_seat_r1=${TOKEN};`), cookie);
    assert.match(cookie, /; HttpOnly(;|$)/);
    assert.match(cookie, /; SameSite=Lax(;|$)/);
    assert.match(cookie, /; Path=\/(;|$)/);
    assert.doesNotMatch(cookie, /Secure/);
    assert.equal(seatCookieName("r1"), "flare_seat_r1");
  });

  it("is Secure when the browser speaks HTTPS", () => {
    assert.match(written("r1", Date.now() + 600_000, true), /; Secure(;|$)/);
  });

  it("lives no longer than the room, and never negatively", () => {
    const maxAge = (cookie: string) => Number(/; Max-Age=(\d+)/.exec(cookie)?.[1]);
    const fresh = maxAge(written("r1", Date.now() + 600_000, false));
    assert.ok(fresh <= 600 && fresh >= 599, `Max-Age ${fresh}`);
    assert.equal(maxAge(written("r1", Date.now() - 5000, false)), 0);
    assert.equal(seatCookieOptions(10_999, false, 1000).maxAge, 9, "whole seconds, rounded down");
  });

  it("round-trips: a browser that stores it sends back the same seat", () => {
    const cookie = written("r9", Date.now() + 60_000, false);
    const pair = cookie.split(";")[0]!;
    assert.equal(seatToken(withCookies(pair).cookies, "r9"), TOKEN);
  });
});

describe("seat cookies: a cap per browser", () => {
  const held = (n: number) =>
    withCookies(Array.from({ length: n }, (_, i) => `flare_seat_room${i}=${TOKEN}`).join("; ") + "; theme=dark");

  it("expires the oldest seat cookies so a new seat keeps the browser at the cap", () => {
    const res = NextResponse.json({});
    capSeatCookies(held(25).cookies, res.cookies, "fresh", false);
    const cleared = res.headers.getSetCookie();
    // 25 held + 1 new = 26: the 6 oldest (first sent) go.
    assert.deepEqual(
      cleared.map((c) => c.split("=")[0]),
      ["room0", "room1", "room2", "room3", "room4", "room5"].map(seatCookieName),
    );
    for (const c of cleared) assert.match(c, /=; Path=\/; Max-Age=0; .*HttpOnly; SameSite=Lax/);
    assert.equal(MAX_SEAT_COOKIES, 20);
  });

  it("leaves a browser under the cap alone, and never counts or clears the room being seated", () => {
    const under = NextResponse.json({});
    capSeatCookies(held(19).cookies, under.cookies, "fresh", false);
    assert.deepEqual(under.headers.getSetCookie(), []);
    const again = NextResponse.json({});
    capSeatCookies(held(20).cookies, again.cookies, "room0", false);
    assert.deepEqual(again.headers.getSetCookie(), []);
  });
});
