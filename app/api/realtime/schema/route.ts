import { z } from "zod";
import { realtime } from "@/lib/app-realtime";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

let described: Record<string, unknown> | undefined;

/**
 * The application's events and the JSON Schema of each one's data, so non-TypeScript clients and
 * tools know what exists. The schemas describe what an emitter sends (zod's `io: "input"`: fields
 * with defaults are optional); a part JSON Schema cannot express is left open (`{}`).
 */
export const GET = route(async () => {
  described ??= Object.fromEntries(
    [...realtime.config.events].map(([name, schema]) => [
      name,
      z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }),
    ]),
  );
  return Response.json({ events: described }, { headers: { "Cache-Control": "no-store" } });
});
