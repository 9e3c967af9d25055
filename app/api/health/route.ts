import { deploymentProblem } from "@/lib/env";
import { instance } from "@/lib/instance";

export const dynamic = "force-dynamic";

/**
 * `{"status","redis","instance"}`; 503 "degraded" while Redis is configured but unreachable, and
 * on a deployment that cannot serve (on Vercel without REDIS_URL), with `error` saying why.
 */
export async function GET(): Promise<Response> {
  const headers = { "Cache-Control": "no-store" };
  const problem = deploymentProblem();
  if (problem) {
    const error = { code: "unavailable", message: problem };
    return Response.json({ status: "degraded", redis: "disabled", instance: null, error }, { status: 503, headers });
  }
  const { bus } = instance();
  const redis = await bus.health();
  const degraded = redis === "down";
  return Response.json(
    { status: degraded ? "degraded" : "ok", redis, instance: bus.instanceId },
    { status: degraded ? 503 : 200, headers },
  );
}
