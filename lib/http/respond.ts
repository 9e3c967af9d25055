import { FlareError, isFlareError, type ErrorCode } from "../protocol";

/** The contract's error body: `{"error":{"code","message"}}`. */
export function jsonError(status: number, code: ErrorCode, message: string, headers?: HeadersInit): Response {
  return Response.json({ error: { code, message } }, { status, headers });
}

/** Turns anything a handler throws into the contract's error response; unexpected errors are logged. */
export function errorResponse(e: unknown): Response {
  if (isFlareError(e)) return jsonError(e.status, e.code, e.message);
  console.error("[http] unexpected error:", e);
  return jsonError(503, "unavailable", "Something went wrong on our side. Try again in a moment.");
}

export { FlareError };
