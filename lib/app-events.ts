import { z } from "zod";
import type { RealtimeOptions } from "./channels/config";

/**
 * Flare's own typed events: the schema every instance validates emits against, the retention of
 * its channels, and the middleware that guards application channels. `lib/app-realtime.ts` makes
 * the `realtime` server code emits with; lib/instance.ts hands these options to every edge.
 */
export const appEvents = {
  schema: {
    announcement: {
      /** A notice for everyone in the lobby (the "announcements" channel), e.g. from a deploy hook. */
      posted: z.object({
        text: z.string().trim().min(1, "text cannot be empty").max(280, "text can be at most 280 characters"),
        by: z.string().trim().min(1).max(40).optional(),
      }),
      /** Takes a posted announcement (by its event id) off every lobby, e.g. one sent by mistake. */
      retracted: z.object({ id: z.string().regex(/^\d{1,15}-\d{1,19}$/, "id must be an announcement's event id") }),
    },
  },
  history: { maxLength: 1000, expireAfterSecs: 24 * 60 * 60 },
  middleware: ({ request, channels }) => {
    // `user-<id>` channels are personal: this demo rule takes the id from a `flare_user` cookie;
    // a real app checks its own session here.
    const user = cookie(request, "flare_user");
    for (const channel of channels) {
      if (channel.startsWith("user-") && channel !== `user-${user}`)
        return new Response("Only its user may follow this channel.", { status: 403 });
    }
  },
} satisfies RealtimeOptions<{ announcement: { posted: z.ZodType; retracted: z.ZodType } }>;

/** The channel the lobby shows announcements from. */
export const ANNOUNCEMENTS = "announcements";

function cookie(request: Request, name: string): string | undefined {
  for (const part of (request.headers.get("cookie") ?? "").split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) return decodeURIComponent(value.join("="));
  }
  return undefined;
}
