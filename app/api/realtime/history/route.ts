import { channelAccess } from "@/lib/http/channel-access";
import { queryObject, validate } from "@/lib/http/request";
import { route } from "@/lib/http/route";
import { instance } from "@/lib/instance";
import { historyQuery } from "./schema";

export const dynamic = "force-dynamic";

/** A channel's events, oldest first, for whoever may follow it (the rules of `subscribe`). */
export const GET = route(async (req) => {
  const { channel, ...range } = validate(historyQuery, queryObject(req));
  const channels = instance().channels;
  await channels.authorize([channel], channelAccess(req));
  const events = await channels.history(channel, range);
  return Response.json({ events }, { headers: { "Cache-Control": "no-store" } });
});
