import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import {
  NEXT_ROUTER_PREFETCH_HEADER,
  NEXT_ROUTER_SEGMENT_PREFETCH_HEADER,
  NEXT_ROUTER_STATE_TREE_HEADER,
  RSC_HEADER,
} from "next/dist/client/components/app-router-headers.js";
import { getRouteMatcher } from "next/dist/shared/lib/router/utils/route-matcher.js";
import { getRouteRegex } from "next/dist/shared/lib/router/utils/route-regex.js";
import { NextRequest } from "next/server";
import { errorFields, log } from "../observability/log";
import { ConfigHeaders } from "./config-headers";
import { proxyMatchers, readRoutesManifest, routingBeyondHeaders } from "./routes-manifest";
import { sendResponse } from "./send-response";

type Params = Record<string, string | string[] | undefined>;

/**
 * A route handler that server.ts may call itself (an exported method of an app/api route module).
 * It must need nothing of Next's request scope: no next/headers, after(), redirect() or notFound().
 * Its `req.signal` never aborts: a signal that follows the client cost ~0.02 ms of CPU per seat
 * claim, and a direct route is a short one that answers whether the client waits or not.
 */
export type DirectRoute = {
  /** The app route as Next names it: "/api/rooms/[id]/join". */
  page: string;
  method: string;
  handler: (req: NextRequest, ctx: { params: Promise<Params> }) => Promise<Response>;
};

/** Answers the request if it is one of the direct routes' and says so; otherwise leaves it to Next. */
export type DirectRouter = (req: IncomingMessage, res: ServerResponse) => boolean;

/** What Next adds to every app route's answer (setVaryHeader in next/dist/server/base-server.js). */
const APP_VARY = `${RSC_HEADER}, ${NEXT_ROUTER_STATE_TREE_HEADER}, ${NEXT_ROUTER_PREFETCH_HEADER}, ${NEXT_ROUTER_SEGMENT_PREFETCH_HEADER}`;

/**
 * Paths Next's router passes straight to a route: no trailing slash (redirected), no empty, dot
 * or percent-encoded segment (normalised or decoded). Anything else goes to Next.
 */
const PLAIN_PATH = /^(?:\/[A-Za-z0-9_-]+)+$/;

/** Request headers that ask Next's router for more than the route (RSC, prefetch, data, proxy). */
const NEXT_INTERNAL_HEADER = /^(?:rsc|next-|x-middleware-|x-nextjs-|x-now-|x-matched-path|x-invoke-)/;

/**
 * Hot API routes answered by calling the route module's handler directly, skipping Next's request
 * pipeline (router, app-route runtime, per-request async storage): that pipeline cost ~3 ms of CPU
 * per seat claim against ~0.7 ms for the handler itself (issue #9). What Next does for such a
 * request is done here too: the next.config.ts headers matching the path (ConfigHeaders), the
 * app-route Vary, its x-forwarded-* request defaults and request URL, the body (a short one read
 * first, see readSmallBody), the Response written as Next writes it (but see DirectRoute: no
 * abort signal). Requests with another method, path shape or Next-internal header, and every
 * route when the build routes more than that (rewrites, base path, locales, a proxy matching the
 * route), go to Next.
 *
 * Production builds only: in development Next compiles routes on demand and reloads them.
 */
export function directRouter(distDir: string, port: number, routes: DirectRoute[]): DirectRouter {
  const manifest = readRoutesManifest(distDir);
  const beyond = manifest ? routingBeyondHeaders(manifest) : "no routes manifest";
  if (!manifest || beyond) {
    log().warn({ reason: beyond }, "direct API routes disabled: Next routes these requests");
    return () => false;
  }
  const proxied = proxyMatchers(distDir);
  const table = routes.flatMap((route) => {
    const regex = getRouteRegex(route.page);
    // A sample path of the route: a proxy matching it would run before the route under Next.
    const sample = route.page.replace(/\[[^\]]+\]/g, "x");
    if (proxied.some((re) => re.test(sample))) {
      log().warn({ page: route.page }, "direct API route skipped: the proxy runs on it");
      return [];
    }
    return [{ ...route, match: getRouteMatcher(regex) }];
  });
  const headers = new ConfigHeaders(manifest);

  return (req, res) => {
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const pathname = q < 0 ? url : url.slice(0, q);
    if (!PLAIN_PATH.test(pathname)) return false;
    for (const route of table) {
      if (route.method !== req.method) continue;
      const params = route.match(pathname);
      if (!params) continue;
      if (req.rawHeaders.some((h, i) => i % 2 === 0 && NEXT_INTERNAL_HEADER.test(h.toLowerCase()))) return false;
      const query = Object.fromEntries(new URLSearchParams(q < 0 ? "" : url.slice(q + 1)));
      headers.apply(req, res, pathname, query);
      res.appendHeader("vary", APP_VARY);
      void readSmallBody(req).then((body) => serve(route, params, toNextRequest(req, port, body), res));
      return true;
    }
    return false;
  };
}

/**
 * A body that declares a length of at most BUFFERED_BODY_BYTES, read whole; undefined for one to
 * stream. A web stream over the request (and the Request's own) cost ~0.3 ms of CPU per seat
 * claim on Node 20, more than the route; a short body is in memory by the time the route runs
 * anyway. Anything longer, or chunked, streams as under Next (a route cuts it at its own limit).
 */
const BUFFERED_BODY_BYTES = 64 * 1024;

function readSmallBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const length = Number(req.headers["content-length"] ?? "NaN");
  if (req.method === "GET" || req.method === "HEAD") return Promise.resolve(undefined);
  if (req.headers["transfer-encoding"] || !(length >= 0 && length <= BUFFERED_BODY_BYTES))
    return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    // An aborted request still gets an answer attempt; its response goes nowhere.
    req.once("error", () => resolve(Buffer.concat(chunks)));
    req.once("end", () => resolve(Buffer.concat(chunks)));
  });
}

async function serve(route: DirectRoute, params: Params, req: NextRequest, res: ServerResponse): Promise<void> {
  try {
    await sendResponse(res, await route.handler(req, { params: Promise.resolve(params) }));
  } catch (e) {
    // As Next answers a route that throws: logged, 500 without a body.
    log().error({ ...errorFields(e), url: req.url }, "API route failed");
    if (res.headersSent) res.destroy();
    else {
      res.statusCode = 500;
      res.end();
    }
  }
}

/**
 * The request as Next hands it to a route: the x-forwarded-* defaults Next's base server adds,
 * every request header (the peer address already stamped by server.ts), the URL Next builds from
 * its own host and port, and the body (none when empty).
 */
function toNextRequest(req: IncomingMessage, port: number, read: Buffer | undefined): NextRequest {
  const proto = req.headers["x-forwarded-proto"];
  const https = proto ? proto === "https" : false;
  req.headers["x-forwarded-host"] ??= req.headers.host ?? "localhost";
  req.headers["x-forwarded-port"] ??= port ? String(port) : https ? "443" : "80";
  req.headers["x-forwarded-proto"] ??= https ? "https" : "http";
  req.headers["x-forwarded-for"] ??= req.socket.remoteAddress;
  // Name-value pairs, not a Headers: the Request copies whatever it is given, and a Headers is
  // copied sorted.
  const headers: [string, string][] = [];
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.push([name, v]);
    else if (value !== undefined) headers.push([name, value]);
  }
  const protocol = req.headers["x-forwarded-proto"].includes("https") ? "https" : "http";
  // An empty body (a seat claim's) is no body: a Request's body stream cost ~0.05 ms of CPU per
  // claim, for nothing to read. `text()` and `json()` answer as for an empty stream; `body` is null.
  const empty = req.method === "GET" || req.method === "HEAD" || read?.length === 0;
  const body = empty ? undefined : (read ?? Readable.toWeb(req));
  return new NextRequest(`${protocol}://localhost:${port || (req.socket.localPort ?? 80)}${req.url ?? "/"}`, {
    method: req.method,
    headers,
    ...(body ? { body: body as BodyInit, duplex: "half" } : {}),
  } as ConstructorParameters<typeof NextRequest>[1]);
}
