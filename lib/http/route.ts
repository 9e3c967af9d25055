import { unstable_rethrow } from "next/navigation";
import { NextResponse, type NextRequest } from "next/server";
import type { z } from "zod";
import { isFlareError } from "../protocol";
import { clearSeatCookie, seatToken } from "../rooms/seat-cookie";
import { isHttps, validate } from "./request";
import { deploymentProblem } from "../env";
import { errorResponse, jsonError } from "./respond";
import { checkStateChange } from "./state-change";

/** What Next passes a handler of a dynamic route; only `params` is read, and validated. */
type NextContext = { params: Promise<unknown> };
type Handler<P> = (req: NextRequest, ctx: { params: P }) => Promise<Response>;

/**
 * A route handler that answers in the contract's shape whatever it throws: a FlareError becomes its
 * `{"error":{"code","message"}}` response, anything else is logged and becomes a 500 (see
 * errorResponse). Next's own control-flow errors pass through. A deployment that cannot serve
 * (see deploymentProblem) answers 503 with the reason. A POST or DELETE must pass checkStateChange
 * (JSON content type, not cross-site) before anything else runs. With `params`, the route's dynamic
 * segments are validated first (400 `bad_request`) and handed over typed.
 *
 *   export const GET = route({ params: roomParams }, async (req, { params: { id } }) => Response.json(…));
 */
export function route<S extends z.ZodType>(
  spec: { params: S },
  handler: Handler<z.infer<S>>,
): (req: NextRequest, ctx: NextContext) => Promise<Response>;
export function route(handler: (req: NextRequest) => Promise<Response>): (req: NextRequest) => Promise<Response>;
export function route<S extends z.ZodType>(
  specOrHandler: { params: S } | ((req: NextRequest) => Promise<Response>),
  withParams?: Handler<z.infer<S>>,
): (req: NextRequest, ctx?: NextContext) => Promise<Response> {
  return async (req, ctx) => {
    const problem = deploymentProblem();
    if (problem) return jsonError(503, "unavailable", problem);
    let params: unknown;
    try {
      checkStateChange(req);
      if (typeof specOrHandler === "function") return await specOrHandler(req);
      const valid = validate(specOrHandler.params, await ctx?.params);
      params = valid;
      return await withParams!(req, { params: valid });
    } catch (e) {
      unstable_rethrow(e);
      return forgetGoneRoom(req, params, e, errorResponse(e, req));
    }
  };
}

/**
 * A room route that found its room gone while the browser still sent that room's seat cookie
 * expires the cookie: it would never work again, and browsers that visit many rooms would
 * otherwise carry them until they expire.
 */
function forgetGoneRoom(req: NextRequest, params: unknown, e: unknown, res: Response): Response {
  const id = (params as { id?: unknown } | undefined)?.id;
  if (typeof id !== "string" || !isFlareError(e) || e.code !== "room_not_found") return res;
  if (!seatToken(req.cookies, id)) return res;
  const out = new NextResponse(res.body, { status: res.status, headers: res.headers });
  clearSeatCookie(out.cookies, id, isHttps(req));
  return out;
}
