import { route } from "@/lib/http/route";
import { instance } from "@/lib/instance";

export const dynamic = "force-dynamic";

/** `{"status","redis","instance"}`; 503 "degraded" while Redis is configured but unreachable. */
export const GET = route(async () => {
  const { bus } = instance();
  const redis = await bus.health();
  const degraded = redis === "down";
  return Response.json(
    { status: degraded ? "degraded" : "ok", redis, instance: bus.instanceId },
    { status: degraded ? 503 : 200, headers: { "Cache-Control": "no-store" } },
  );
});
