import assert from "node:assert/strict";
import fs from "node:fs";
import { createServer, request, type Server } from "node:http";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { NextResponse, type NextRequest } from "next/server";
import { type DirectRoute, directRouter } from "../../../lib/server/direct-routes";

/** The parts of a routes manifest the router reads, shaped as `next build` writes them. */
function manifest(extra: Record<string, unknown> = {}) {
  return {
    version: 3,
    basePath: "",
    caseSensitive: false,
    redirects: [{ source: "/:path+/", destination: "/:path+", internal: true, statusCode: 308 }],
    headers: [
      { source: "/:path*", headers: [{ key: "X-Content-Type-Options", value: "nosniff" }] },
      { source: "/room/:path*", headers: [{ key: "Referrer-Policy", value: "no-referrer" }] },
      {
        source: "/:path*",
        has: [{ type: "header", key: "x-forwarded-proto", value: "https(,.*)?" }],
        headers: [{ key: "Strict-Transport-Security", value: "max-age=63072000" }],
      },
      { source: "/api/things/:id/poke", headers: [{ key: "X-Thing", value: "thing-:id" }] },
    ],
    rewrites: { beforeFiles: [], afterFiles: [], fallback: [] },
    ...extra,
  };
}

function distDir(routes: object, proxyMatchers?: string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "flare-direct-"));
  fs.mkdirSync(path.join(dir, "server"));
  fs.writeFileSync(path.join(dir, "routes-manifest.json"), JSON.stringify(routes));
  const functions = proxyMatchers ? { "/_middleware": { matchers: proxyMatchers.map((regexp) => ({ regexp })) } } : {};
  fs.writeFileSync(path.join(dir, "server", "functions-config-manifest.json"), JSON.stringify({ functions }));
  return dir;
}

/** Echoes what the route saw, with two cookies and a Vary of its own. */
const poke: DirectRoute = {
  page: "/api/things/[id]/poke",
  method: "POST",
  handler: async (req: NextRequest, ctx) => {
    const res = NextResponse.json(
      {
        params: await ctx.params,
        url: req.url,
        body: await req.text(),
        headers: Object.fromEntries(req.headers),
        cookies: req.cookies.getAll(),
      },
      { status: 202, headers: { vary: "origin", "x-content-type-options": "route-lost" } },
    );
    res.cookies.set("a", "1", { path: "/" });
    res.cookies.set("b", "2", { httpOnly: true });
    return res;
  },
};
const broken: DirectRoute = {
  page: "/api/broken",
  method: "POST",
  handler: () => Promise.reject(new Error("route bug (expected in this test)")),
};

async function serve(dir: string, routes: DirectRoute[]): Promise<{ server: Server; url: string }> {
  const direct = directRouter(dir, 0, routes);
  const server = createServer((req, res) => {
    if (!direct(req, res)) res.writeHead(299, { "x-served-by": "next" }).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  assert.ok(address && typeof address === "object");
  return { server, url: `http://127.0.0.1:${address.port}` };
}

describe("directRouter", () => {
  let app: { server: Server; url: string };
  before(async () => {
    app = await serve(distDir(manifest()), [poke, broken]);
  });
  after(() => app.server.close());

  it("answers its route with the route's status, body and every Set-Cookie as its own line", async () => {
    const res = await fetch(`${app.url}/api/things/t1/poke?x=1`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie: "s=1; t=2" },
      body: '{"hello":"world"}',
    });
    assert.equal(res.status, 202);
    assert.equal(res.headers.get("x-served-by"), null);
    assert.deepEqual(res.headers.getSetCookie(), ["a=1; Path=/", "b=2; Path=/; HttpOnly"]);
    const seen = (await res.json()) as {
      params: unknown;
      url: string;
      body: string;
      headers: Record<string, string>;
      cookies: unknown;
    };
    assert.deepEqual(seen.params, { id: "t1" });
    assert.equal(seen.body, '{"hello":"world"}');
    assert.match(seen.url, /^http:\/\/localhost:\d+\/api\/things\/t1\/poke\?x=1$/);
    assert.deepEqual(seen.cookies, [
      { name: "s", value: "1" },
      { name: "t", value: "2" },
    ]);
    // The defaults Next's base server adds before a route runs.
    assert.equal(seen.headers["x-forwarded-proto"], "http");
    assert.equal(seen.headers["x-forwarded-for"], "127.0.0.1");
    assert.equal(seen.headers["x-forwarded-host"], new URL(app.url).host);
  });

  it("hands the route a chunked or long body as a stream, whole", async () => {
    const long = "x".repeat(100 * 1024);
    const chunked = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode("part one, "));
        c.enqueue(new TextEncoder().encode("part two"));
        c.close();
      },
    });
    for (const [what, body, expected] of [
      ["chunked", chunked, "part one, part two"],
      ["long", long, long],
    ] as const) {
      const res = await fetch(`${app.url}/api/things/t5/poke`, { method: "POST", body, duplex: "half" } as RequestInit);
      assert.equal(((await res.json()) as { body: string }).body, expected, what);
    }
  });

  it("adds the config headers matching the path (parameters compiled), Next's Vary, HSTS only over https", async () => {
    const plain = await fetch(`${app.url}/api/things/t2/poke`, { method: "POST", body: "" });
    // A config header wins over the route's own value, as under Next; Vary accumulates.
    assert.equal(plain.headers.get("x-content-type-options"), "nosniff");
    assert.equal(plain.headers.get("x-thing"), "thing-t2");
    assert.equal(plain.headers.get("referrer-policy"), null);
    assert.equal(plain.headers.get("strict-transport-security"), null);
    assert.equal(
      plain.headers.get("vary"),
      "rsc, next-router-state-tree, next-router-prefetch, next-router-segment-prefetch, origin",
    );
    const https = await fetch(`${app.url}/api/things/t2/poke`, {
      method: "POST",
      headers: { "x-forwarded-proto": "https" },
    });
    assert.equal(https.headers.get("strict-transport-security"), "max-age=63072000");
    assert.equal(((await https.json()) as { url: string }).url.startsWith("https://"), true);
  });

  it("leaves to Next other methods, other path shapes and requests with Next-internal headers", async () => {
    const next = async (url: string, init: RequestInit = {}) => {
      const res = await fetch(`${app.url}${url}`, { method: "POST", ...init });
      return res.headers.get("x-served-by");
    };
    for (const method of ["GET", "HEAD", "OPTIONS", "PUT", "DELETE"])
      assert.equal(await next("/api/things/t3/poke", { method }), "next", method);
    for (const url of ["/api/things/t3/poke/", "/api/things/t%33/poke", "/api/things//poke"])
      assert.equal(await next(url), "next", url);
    // fetch() would normalise a dot segment away before sending it.
    const dotted = await new Promise<string | string[] | undefined>((resolve, reject) =>
      request(
        `${app.url}/api/things/../things/t3/poke`,
        { method: "POST", path: "/api/things/../things/t3/poke" },
        (res) => {
          res.resume();
          resolve(res.headers["x-served-by"]);
        },
      )
        .on("error", reject)
        .end(),
    );
    assert.equal(dotted, "next");
    for (const header of ["rsc", "next-router-state-tree", "x-middleware-subrequest", "x-nextjs-data"])
      assert.equal(await next("/api/things/t3/poke", { headers: { [header]: "1" } }), "next", header);
    assert.equal(await next("/api/other"), "next");
  });

  it("answers a route that throws 500 without a body, with the headers Next would add", async () => {
    const res = await fetch(`${app.url}/api/broken`, { method: "POST" });
    assert.equal(res.status, 500);
    assert.equal(await res.text(), "");
    assert.equal(res.headers.get("x-content-type-options"), "nosniff");
  });
});

describe("directRouter leaves everything to Next", () => {
  const cases: [string, string][] = [
    ["when the build has rewrites", distDir(manifest({ rewrites: [{ source: "/a", destination: "/b" }] }))],
    ["when the build has a base path", distDir(manifest({ basePath: "/base" }))],
    ["when the build has redirects of its own", distDir(manifest({ redirects: [{ source: "/a" }] }))],
    ["for a route the proxy runs on", distDir(manifest(), ["^/api/things(?:/.*)?$"])],
    ["without a routes manifest (development)", fs.mkdtempSync(path.join(os.tmpdir(), "flare-direct-"))],
  ];
  for (const [what, dir] of cases) {
    it(what, async () => {
      const { server, url } = await serve(dir, [poke]);
      try {
        const res = await fetch(`${url}/api/things/t4/poke`, { method: "POST" });
        assert.equal(res.headers.get("x-served-by"), "next");
      } finally {
        server.close();
      }
    });
  }
});
