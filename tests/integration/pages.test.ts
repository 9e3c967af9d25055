/**
 * The pages as HTTP sees them, against real instances: a page view of `/room/:id` takes no seat
 * (link-preview bots, prefetch, HEAD, even a plain GET); the browser's `POST /join` does. And the
 * security headers: a per-request CSP whose nonce is on every script of the page, nosniff
 * everywhere, no referrer from rooms, HSTS only over HTTPS.
 *
 *   npm run build && FLARE_SKIP_BUILD=1 npm test -- tests/integration/pages.test.ts
 */
import assert from "node:assert/strict";
import { it } from "node:test";
import { Browser } from "../helpers/http";
import { createRoom } from "../helpers/rooms";
import { forEachTopology } from "../helpers/topology";

const SLACKBOT = "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)";

/** Requests that fetch a room's page without a person looking at it. */
const PAGE_VIEWS: { what: string; method: string; headers: Record<string, string> }[] = [
  { what: "a link-preview bot", method: "GET", headers: { "user-agent": SLACKBOT } },
  { what: "a Sec-Purpose prefetch", method: "GET", headers: { "sec-purpose": "prefetch" } },
  { what: "a Sec-Purpose prerender", method: "GET", headers: { "sec-purpose": "prefetch;prerender" } },
  { what: "a HEAD", method: "HEAD", headers: {} },
  { what: "a plain GET", method: "GET", headers: {} },
];

async function members(base: string, roomId: string): Promise<number> {
  const res = await fetch(`${base}/api/rooms/${roomId}`);
  assert.equal(res.status, 200);
  return ((await res.json()) as { members: number }).members;
}

function cspOf(res: Response): Map<string, string[]> {
  const policy = res.headers.get("content-security-policy");
  assert.ok(policy, "a Content-Security-Policy header");
  return new Map(
    policy.split(";").map((d) => {
      const [name, ...sources] = d.trim().split(/\s+/);
      return [name!, sources];
    }),
  );
}

forEachTopology("Pages", (t) => {
  it("a page view of /room/:id takes no seat, whoever fetches it; the invitee's POST /join still gets in", async () => {
    const creator = new Browser(t.http(0));
    const room = await createRoom(creator, { capacity: 2 });
    assert.equal(await members(t.http(0), room.roomId), 1);

    for (const [i, view] of PAGE_VIEWS.entries()) {
      const res = await fetch(`${t.http(i)}/room/${room.roomId}`, { method: view.method, headers: view.headers });
      assert.equal(res.status, 200, view.what);
      assert.deepEqual(res.headers.getSetCookie(), [], `${view.what} gets no cookie`);
      await res.arrayBuffer();
      assert.equal(await members(t.http(0), room.roomId), 1, `${view.what} took no seat`);
    }

    // The person who was sent the link takes the last seat, on either instance.
    const invitee = new Browser(t.http(1));
    const joined = await invitee.post(`/api/rooms/${room.roomId}/join`, {});
    assert.equal(joined.status, 200, JSON.stringify(joined.body));
    assert.equal(joined.body.members, 2);
    assert.match(invitee.setCookies.at(-1)!, new RegExp(`^flare_seat_${room.roomId}=`));
    // The creator's claim (the page it opens) is idempotent: still two seats.
    assert.equal((await creator.post(`/api/rooms/${room.roomId}/join`, {})).status, 200);
    assert.equal(await members(t.http(0), room.roomId), 2);
    // And the room is now full for a third browser.
    const third = await new Browser(t.http(0)).post(`/api/rooms/${room.roomId}/join`, {});
    assert.equal(third.status, 409);
  });

  it("an unknown room's page sends the browser to the lobby's error, without a cookie", async () => {
    const res = await fetch(`${t.http(0)}/room/ZZZZZZZZZZZZZZZZZZZZZ`, { redirect: "manual" });
    assert.ok([303, 307, 308].includes(res.status), `redirect, got ${res.status}`);
    assert.equal(new URL(res.headers.get("location")!, t.http(0)).search, "?error=room_not_found");
    assert.deepEqual(res.headers.getSetCookie(), []);
  });

  it("pages carry a CSP whose fresh nonce is on every script of the page", async () => {
    const room = await createRoom(new Browser(t.http(0)));
    const nonces = new Set<string>();
    for (const path of ["/", `/room/${room.roomId}`]) {
      const res = await fetch(`${t.http(0)}${path}`);
      assert.equal(res.status, 200);
      const csp = cspOf(res);
      const nonceSource = csp.get("script-src")!.find((s) => s.startsWith("'nonce-"));
      assert.ok(nonceSource, `${path}: script-src has a nonce`);
      const nonce = nonceSource.slice("'nonce-".length, -1);
      nonces.add(nonce);
      assert.ok(csp.get("script-src")!.includes("'strict-dynamic'"));
      assert.ok(!csp.get("script-src")!.includes("'unsafe-eval'"), "no eval in production");
      assert.ok(!csp.get("script-src")!.includes("'unsafe-inline'"));
      assert.deepEqual(csp.get("object-src"), ["'none'"]);
      assert.deepEqual(csp.get("base-uri"), ["'none'"]);
      assert.deepEqual(csp.get("frame-ancestors"), ["'none'"]);
      const host = new URL(t.http(0)).host;
      assert.deepEqual(csp.get("connect-src"), ["'self'", `ws://${host}`]);

      const html = await res.text();
      const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
      assert.ok(scripts.length > 0, `${path} has scripts`);
      for (const tag of scripts) assert.match(tag, new RegExp(`\\snonce="${nonce.replace(/[+/=]/g, "\\$&")}"`), tag);
    }
    // A second view of the same page gets another nonce.
    nonces.add(
      cspOf(await fetch(`${t.http(0)}/`))
        .get("script-src")!
        .find((s) => s.startsWith("'nonce-"))!,
    );
    assert.equal(nonces.size, 3, "a fresh nonce per request");
  });

  it("nosniff everywhere, no referrer from rooms, HSTS only over HTTPS", async () => {
    const room = await createRoom(new Browser(t.http(0)));
    const lobby = await fetch(`${t.http(0)}/`);
    const roomPage = await fetch(`${t.http(0)}/room/${room.roomId}`);
    const api = await fetch(`${t.http(0)}/api/health`);
    const roomApi = await fetch(`${t.http(0)}/api/rooms/${room.roomId}`);
    for (const res of [lobby, roomPage, api, roomApi]) {
      assert.equal(res.headers.get("x-content-type-options"), "nosniff", res.url);
      assert.equal(res.headers.get("strict-transport-security"), null, `${res.url}: no HSTS over plain HTTP`);
    }
    assert.equal(roomPage.headers.get("referrer-policy"), "no-referrer");
    assert.equal(lobby.headers.get("referrer-policy"), null);

    const https = await fetch(`${t.http(0)}/room/${room.roomId}`, { headers: { "x-forwarded-proto": "https" } });
    assert.match(https.headers.get("strict-transport-security") ?? "", /^max-age=\d{8,}/);
    const csp = cspOf(https);
    assert.deepEqual(csp.get("connect-src"), ["'self'", `wss://${new URL(t.http(0)).host}`]);
    assert.ok(csp.has("upgrade-insecure-requests"));
    const httpsApi = await fetch(`${t.http(0)}/api/health`, { headers: { "x-forwarded-proto": "https" } });
    assert.match(httpsApi.headers.get("strict-transport-security") ?? "", /^max-age=/);
  });
});
