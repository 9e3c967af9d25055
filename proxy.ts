import { NextResponse, type NextRequest } from "next/server";
import { isHttps } from "@/lib/http/request";
import { contentSecurityPolicy, newNonce } from "@/lib/ui/content-security-policy";

/**
 * Gives every page view its own script nonce and the Content-Security-Policy that names it. Next
 * reads the policy from the request headers while rendering and puts the nonce on its scripts (the
 * documented Next 16 pattern); the pages are rendered per request for it (app/layout.tsx).
 *
 * It takes no seat: `/room/:id` is fetched by link previews, prefetch and prerender too, so the
 * page claims its seat itself once shown to a person (components/room/use-seat-claim.ts).
 * Headers that need no nonce (nosniff, referrer policy, HSTS) are in next.config.ts.
 */
export function proxy(req: NextRequest): NextResponse {
  const policy = contentSecurityPolicy({
    nonce: newNonce(),
    host: req.headers.get("host"),
    https: isHttps(req),
    dev: process.env.NODE_ENV === "development",
  });
  const headers = new Headers(req.headers);
  headers.set("content-security-policy", policy);
  const res = NextResponse.next({ request: { headers } });
  res.headers.set("Content-Security-Policy", policy);
  return res;
}

export const config = {
  // The app's pages; API routes and static files carry no HTML that runs scripts.
  matcher: ["/", "/room/:id"],
};
