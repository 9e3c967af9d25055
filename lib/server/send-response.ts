import type { ServerResponse } from "node:http";

/** Framing headers Next drops from a route's Response (the body may have been decoded). */
const FRAMING = new Set(["content-length", "content-encoding", "transfer-encoding"]);

/** Headers a route may add to ones already on the response instead of being ignored. */
const MULTI_VALUED = new Set(["set-cookie", "www-authenticate", "proxy-authenticate", "vary"]);

/**
 * Writes a route's Response to the Node response as Next's sendResponse does
 * (next/dist/server/send-response.js): status and status text; each header unless already set
 * (config headers win) or multi-valued (appended; every Set-Cookie is its own header line); the body
 * streamed with backpressure and abandoned when the client goes away.
 */
export async function sendResponse(res: ServerResponse, response: Response): Promise<void> {
  res.statusCode = response.status;
  res.statusMessage = response.statusText;
  response.headers.forEach((value, name) => {
    if (FRAMING.has(name) || name === "set-cookie" || name === "x-middleware-set-cookie") return;
    if (MULTI_VALUED.has(name) || res.getHeader(name) === undefined) res.appendHeader(name, value);
  });
  for (const cookie of response.headers.getSetCookie()) res.appendHeader("set-cookie", cookie);
  if (!response.body) {
    res.end();
    return;
  }
  const reader = response.body.getReader();
  const gone = new Promise<"gone">((resolve) => res.once("close", () => resolve("gone")));
  try {
    for (;;) {
      const next = await Promise.race([reader.read(), gone]);
      if (next === "gone") return;
      if (next.done) break;
      if (!res.write(next.value)) {
        const drained = await Promise.race([new Promise<"drain">((r) => res.once("drain", () => r("drain"))), gone]);
        if (drained === "gone") return;
      }
    }
    res.end();
  } finally {
    if (!res.writableEnded) void reader.cancel().catch(() => {});
  }
}
