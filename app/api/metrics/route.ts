import { timingSafeEqual } from "node:crypto";
import { env } from "@/lib/env";
import { jsonError } from "@/lib/http/respond";
import { instance } from "@/lib/instance";
import { metrics } from "@/lib/observability/metrics";

export const dynamic = "force-dynamic";

/**
 * This instance's metrics in Prometheus text format. With METRICS_TOKEN set, only for
 * `Authorization: Bearer <METRICS_TOKEN>`. Per instance: scrape every instance (self-hosted); on
 * Vercel each function instance answers for itself only (see README, "Operating Flare").
 */
export async function GET(req: Request): Promise<Response> {
  const token = env().METRICS_TOKEN;
  if (token && !bearerMatches(req.headers.get("authorization"), token)) {
    return jsonError(401, "unauthorized", "Send Authorization: Bearer <METRICS_TOKEN>.", {
      "WWW-Authenticate": "Bearer",
    });
  }
  // Wires the instance (and its hub's gauges) if nothing else has yet.
  instance();
  const { register } = metrics();
  return new Response(await register.metrics(), {
    headers: { "Content-Type": register.contentType, "Cache-Control": "no-store" },
  });
}

function bearerMatches(header: string | null, token: string): boolean {
  const given = Buffer.from(header?.startsWith("Bearer ") ? header.slice(7) : "");
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
