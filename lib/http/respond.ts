import { nanoid } from "nanoid";
import { errorFields, log } from "../observability/log";
import { isFlareError, type ErrorCode } from "../protocol";

/** The contract's error body: `{"error":{"code","message"}}`. */
export function jsonError(status: number, code: ErrorCode, message: string, headers?: HeadersInit): Response {
  return Response.json({ error: { code, message } }, { status, headers });
}

/**
 * Turns what a handler threw into the contract's error response: a FlareError answers its own
 * status and code; anything else is a bug, logged (with the request's method, path and id, never its
 * headers or body) and answered 500 with that id, so a report can be matched to the log line.
 */
export function errorResponse(e: unknown, req?: Request): Response {
  if (isFlareError(e)) return jsonError(e.status, e.code, e.message);
  const requestId = req?.headers.get("x-vercel-id") ?? req?.headers.get("x-request-id") ?? nanoid(10);
  const path = req ? new URL(req.url).pathname : undefined;
  log().error({ ...errorFields(e), requestId, method: req?.method, path }, "unexpected error in a route");
  return jsonError(500, "unavailable", `Something went wrong on our side. Try again in a moment. (ref ${requestId})`);
}
