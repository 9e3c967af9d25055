import { isFlareError, type ErrorCode } from "../protocol";

/** The contract's error body: `{"error":{"code","message"}}`. */
export function jsonError(status: number, code: ErrorCode, message: string, headers?: HeadersInit): Response {
  return Response.json({ error: { code, message } }, { status, headers });
}

/**
 * Turns what a handler threw into the contract's error response: a FlareError answers its own
 * status and code; anything else is a bug, logged and answered 500.
 */
export function errorResponse(e: unknown): Response {
  if (isFlareError(e)) return jsonError(e.status, e.code, e.message);
  console.error("[http] unexpected error:", e);
  return jsonError(500, "unavailable", "Something went wrong on our side. Try again in a moment.");
}
