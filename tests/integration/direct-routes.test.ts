import assert from "node:assert/strict";
import { it } from "node:test";
import { createRoom } from "../helpers/rooms";
import { Browser } from "../helpers/http";
import { forEachTopology } from "../helpers/topology";

/**
 * server.ts answers `POST /api/rooms/:id/join` itself, past Next (lib/server/direct-routes.ts).
 * Its answers must carry what Next's carry: compared here with `POST /api/rooms`, which Next
 * answers, and with Next's own answers to everything else on the same path.
 */

/** Header names of an answer, minus those of the connection and the moment. */
function headerNames(res: Response, except: string[] = []): string[] {
  const skip = new Set(["date", "connection", "keep-alive", "transfer-encoding", ...except]);
  return [...new Set([...res.headers.keys()])].filter((n) => !skip.has(n)).sort();
}

const json = { "content-type": "application/json" };

forEachTopology("Seat claims answered by server.ts", (t) => {
  it("carry the same headers as a Next-served API answer, and the config headers over HTTPS", async () => {
    const created = await fetch(`${t.http(0)}/api/rooms`, { method: "POST", headers: json, body: "{}" });
    const { roomId } = (await created.json()) as { roomId: string };
    const claimed = await fetch(`${t.http(0)}/api/rooms/${roomId}/join`, { method: "POST", headers: json });
    assert.equal(claimed.status, 200);
    // cache-control is the claim route's own.
    assert.deepEqual(headerNames(claimed, ["cache-control"]), headerNames(created));
    assert.equal(claimed.headers.get("vary"), created.headers.get("vary"));
    assert.equal(claimed.headers.get("x-content-type-options"), "nosniff");
    assert.equal(claimed.headers.get("cache-control"), "no-store");
    assert.equal(claimed.headers.get("strict-transport-security"), null);

    const https = await fetch(`${t.http(0)}/api/rooms/${roomId}/join`, {
      method: "POST",
      headers: { ...json, "x-forwarded-proto": "https" },
    });
    assert.equal(https.status, 409);
    assert.match(https.headers.get("strict-transport-security") ?? "", /^max-age=\d{8,}/);
  });

  it("answer errors exactly as Next-served routes do", async () => {
    const { roomId } = await createRoom(new Browser(t.http(0)));
    const pairs: [string, RequestInit][] = [
      ["no JSON content type", { method: "POST" }],
      ["cross-site", { method: "POST", headers: { ...json, "sec-fetch-site": "cross-site" } }],
    ];
    for (const [what, init] of pairs) {
      const viaNext = await fetch(`${t.http(0)}/api/rooms`, init);
      const direct = await fetch(`${t.http(0)}/api/rooms/${roomId}/join`, init);
      assert.equal(direct.status, viaNext.status, what);
      assert.deepEqual(headerNames(direct), headerNames(viaNext), what);
      assert.deepEqual(await direct.json(), await viaNext.json(), what);
    }
  });

  it("send every cookie as its own Set-Cookie: the new seat, and the expiry of a gone room's", async () => {
    const { roomId } = await createRoom(new Browser(t.http(0)));
    const gone = "GGGGGGGGGGGGGGGGGGGGG";
    const res = await fetch(`${t.http(0)}/api/rooms/${roomId}/join`, {
      method: "POST",
      headers: { ...json, cookie: `flare_seat_${gone}=${"A".repeat(32)}`, "x-forwarded-proto": "https" },
    });
    assert.equal(res.status, 200);
    const cookies = res.headers.getSetCookie();
    assert.equal(cookies.length, 2, cookies.join(" | "));
    assert.match(cookies.find((c) => c.startsWith(`flare_seat_${gone}=`)) ?? "", /=; .*Max-Age=0/);
    assert.match(cookies.find((c) => c.startsWith(`flare_seat_${roomId}=`)) ?? "", /HttpOnly; SameSite=Lax/);
    assert.ok(cookies.every((c) => c.includes("; Secure")));

    const missing = await fetch(`${t.http(0)}/api/rooms/${gone}/join`, {
      method: "POST",
      headers: { ...json, cookie: `flare_seat_${gone}=${"A".repeat(32)}` },
    });
    assert.equal(missing.status, 404);
    assert.match(missing.headers.getSetCookie()[0] ?? "", new RegExp(`^flare_seat_${gone}=; .*Max-Age=0`));
  });

  it("leave every other method and path shape on the route to Next", async () => {
    const { roomId } = await createRoom(new Browser(t.http(0)));
    const path = `${t.http(0)}/api/rooms/${roomId}/join`;
    const get = await fetch(path);
    assert.equal(get.status, 405);
    assert.equal(get.headers.get("x-content-type-options"), "nosniff");
    const options = await fetch(path, { method: "OPTIONS" });
    assert.equal(options.status, 204);
    assert.equal(options.headers.get("allow"), "OPTIONS, POST");
    assert.equal((await fetch(path, { method: "HEAD" })).status, 405);
    const slash = await fetch(`${path}/`, { method: "POST", headers: json, redirect: "manual" });
    assert.equal(slash.status, 308);
    assert.equal(slash.headers.get("location"), `/api/rooms/${roomId}/join`);
  });
});
