import { FlareError } from "../protocol";

/**
 * The rules every state-changing request (POST, DELETE) meets before its handler runs, so a page
 * on another site cannot act with this browser's seat cookies:
 * - a browser that says the request comes from another site (`Sec-Fetch-Site: cross-site`) is
 *   refused 403 `forbidden`; same-origin, same-site, none (typed or bookmarked) and absent (curl,
 *   servers, old browsers) pass;
 * - a POST must be `Content-Type: application/json`: a cross-site form can only send form or text
 *   types without a CORS preflight, and the preflight is refused.
 */
export function checkStateChange(req: Request): void {
  if (req.method !== "POST" && req.method !== "DELETE") return;
  if (req.headers.get("sec-fetch-site") === "cross-site")
    throw new FlareError("forbidden", "Requests from other sites cannot change anything here.");
  if (req.method === "POST" && !isJson(req.headers.get("content-type")))
    throw new FlareError("bad_request", "A POST must be sent with Content-Type: application/json.");
}

function isJson(contentType: string | null): boolean {
  return contentType?.split(";")[0]?.trim().toLowerCase() === "application/json";
}
