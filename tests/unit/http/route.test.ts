import assert from "node:assert/strict";
import { describe, it, mock } from "node:test";
import { redirect } from "next/navigation";
import { NextRequest, NextResponse } from "next/server";
import { z } from "zod";
import { createRoomBody } from "../../../app/api/rooms/schema";
import { readBody, validate } from "../../../lib/http/request";
import { log } from "../../../lib/observability/log";
import { route } from "../../../lib/http/route";
import { FlareError } from "../../../lib/protocol";
import { emitSchemas } from "../../../lib/chat/schema";

const URL_ = "http://localhost/api/test";

function post(body: string, headers: Record<string, string> = {}): NextRequest {
  return new NextRequest(URL_, { method: "POST", body, headers: { "content-type": "application/json", ...headers } });
}

const noParams = { params: Promise.resolve({}) };

async function errorOf(res: Response): Promise<{ status: number; code: string; message: string }> {
  const body = (await res.json()) as { error: { code: string; message: string } };
  assert.deepEqual(Object.keys(body), ["error"]);
  assert.equal(typeof body.error.message, "string");
  assert.ok(body.error.message.length > 0);
  return { status: res.status, ...body.error };
}

describe("route(): errors", () => {
  it("passes the handler's response through untouched", async () => {
    const handler = route(async () => {
      const res = NextResponse.json({ ok: true }, { status: 201, headers: { "Cache-Control": "no-store" } });
      res.cookies.set("a", "b");
      return res;
    });
    const res = await handler(new NextRequest(URL_));
    assert.equal(res.status, 201);
    assert.equal(res.headers.get("cache-control"), "no-store");
    assert.match(res.headers.getSetCookie()[0]!, /^a=b;/);
    assert.deepEqual(await res.json(), { ok: true });
  });

  it("answers a FlareError with its status, code and message", async () => {
    for (const [code, status] of [
      ["room_not_found", 404],
      ["unauthorized", 401],
      ["room_full", 409],
      ["rate_limited", 429],
      ["forbidden", 403],
      ["unavailable", 503],
    ] as const) {
      const handler = route(async () => {
        throw new FlareError(code, `because ${code}`);
      });
      assert.deepEqual(await errorOf(await handler(new NextRequest(URL_))), {
        status,
        code,
        message: `because ${code}`,
      });
    }
  });

  it("logs anything else and answers 500 in the contract's shape, without leaking it", async () => {
    const logged = mock.method(log(), "error", (..._args: unknown[]) => {});
    try {
      const bug = new TypeError("secret internals");
      const handler = route(async () => {
        throw bug;
      });
      const { status, code, message } = await errorOf(await handler(new NextRequest(URL_)));
      assert.deepEqual([status, code], [500, "unavailable"]);
      assert.doesNotMatch(message, /secret/);
      assert.equal(logged.mock.callCount(), 1);
      const [fields] = logged.mock.calls[0]!.arguments;
      assert.equal((fields as { err?: { message?: string } }).err?.message, "secret internals", "the error is logged");
      const ref = /\(ref (\S+)\)/.exec(message)?.[1];
      assert.ok(ref, "the answer carries a reference");
      assert.equal((fields as { requestId?: string }).requestId, ref, "the log line carries the same reference");

      const thrownString = route(async () => {
        throw "not even an Error";
      });
      assert.equal((await thrownString(new NextRequest(URL_))).status, 500);
    } finally {
      logged.mock.restore();
    }
  });

  it("lets Next's control-flow errors (redirect, notFound) through", async () => {
    const handler = route(async () => redirect("/elsewhere"));
    await assert.rejects(handler(new NextRequest(URL_)), (e: Error & { digest?: string }) =>
      String(e.digest).startsWith("NEXT_REDIRECT"),
    );
  });
});

describe("route(): params", () => {
  const params = z.object({ id: z.string().min(1).max(8) });

  it("hands the handler its validated params", async () => {
    const seen: unknown[] = [];
    const handler = route({ params }, async (_req, { params: p }) => {
      seen.push(p);
      return new Response(null, { status: 204 });
    });
    const res = await handler(new NextRequest(URL_), { params: Promise.resolve({ id: "abc" }) });
    assert.equal(res.status, 204);
    assert.deepEqual(seen, [{ id: "abc" }]);
  });

  it("refuses invalid params with 400 bad_request naming the field, before the handler runs", async () => {
    let ran = false;
    const handler = route({ params }, async () => {
      ran = true;
      return new Response(null);
    });
    const err = await errorOf(await handler(new NextRequest(URL_), { params: Promise.resolve({ id: "123456789" }) }));
    assert.deepEqual([err.status, err.code], [400, "bad_request"]);
    assert.match(err.message, /^id: /);
    assert.equal(ran, false);
  });
});

describe("route(): bodies", () => {
  const createRoom = route({ params: z.object({}) }, async (req) =>
    Response.json(await readBody(req, createRoomBody), { status: 201 }),
  );
  const postMessage = route(async (req) => Response.json(await readBody(req, emitSchemas.message)));

  it("reads a valid body with its defaults, and an empty body as {}", async () => {
    const res = await createRoom(post('{"capacity":3}'), noParams);
    assert.equal(res.status, 201);
    assert.deepEqual(await res.json(), { ttlSeconds: 600, capacity: 3 });
    assert.deepEqual(await (await createRoom(post(""), noParams)).json(), { ttlSeconds: 600, capacity: 2 });
  });

  it("answers 400 bad_request for invalid JSON, a non-object, or out-of-range fields (never clamped)", async () => {
    for (const body of ["{nope", "[]", '{"capacity":1}', '{"ttlSeconds":86401}', '{"ttlSeconds":"60"}']) {
      const err = await errorOf(await createRoom(post(body), noParams));
      assert.deepEqual([err.status, err.code], [400, "bad_request"], body);
    }
    const field = await errorOf(await createRoom(post('{"capacity":51}'), noParams));
    assert.match(field.message, /^capacity: /);
  });

  it("answers 413 too_large past 16 KiB, declared or not", async () => {
    const huge = JSON.stringify({ pad: "x".repeat(20_000) });
    const declared = await errorOf(await createRoom(post("{}", { "content-length": "20000" }), noParams));
    assert.deepEqual([declared.status, declared.code], [413, "too_large"]);
    const actual = await errorOf(await createRoom(post(huge), noParams));
    assert.deepEqual([actual.status, actual.code], [413, "too_large"]);
  });

  it("answers the code a schema names (message text: empty, too_long) as the WebSocket does", async () => {
    const empty = await errorOf(await postMessage(post('{"name":"Bot","text":"   "}')));
    assert.deepEqual([empty.status, empty.code, empty.message], [400, "empty", "text: text cannot be empty"]);
    const long = await errorOf(await postMessage(post(JSON.stringify({ name: "Bot", text: "x".repeat(1001) }))));
    assert.deepEqual([long.status, long.code], [400, "too_long"]);
    const noName = await errorOf(await postMessage(post('{"name":" ","text":"hi"}')));
    assert.deepEqual([noName.status, noName.code], [400, "bad_request"]);
  });

  it("validate() gives queries the same treatment", () => {
    assert.throws(() => validate(z.object({ limit: z.coerce.number().max(5) }), { limit: "9" }), {
      code: "bad_request",
      message: /^limit: /,
    });
  });
});

describe("route(): seat cookies of rooms that are gone", () => {
  const gone = route({ params: z.object({ id: z.string() }) }, async () => {
    throw new FlareError("room_not_found");
  });
  const at = (cookie?: string) =>
    gone(new NextRequest(URL_, cookie ? { headers: { cookie } } : {}), { params: Promise.resolve({ id: "r1" }) });
  const token = "AbCdEfGhIjKlMnOpQrStUv_-09";

  it("expires the cookie a browser sent for a room that no longer exists, keeping the 404", async () => {
    const res = await at(`flare_seat_r1=${token}; flare_seat_r2=${token}`);
    assert.equal(res.status, 404);
    assert.equal((await errorOf(res)).code, "room_not_found");
    const set = res.headers.getSetCookie();
    assert.equal(set.length, 1);
    assert.match(set[0]!, /^flare_seat_r1=; Path=\/; Max-Age=0/);
  });

  it("sets nothing when the browser had no seat cookie for it", async () => {
    const res = await at(`flare_seat_r2=${token}`);
    assert.equal(res.status, 404);
    assert.deepEqual(res.headers.getSetCookie(), []);
  });
});
