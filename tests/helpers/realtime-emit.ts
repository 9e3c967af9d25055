import { z } from "zod";
import { channelEventSchema, type ChannelEvent } from "../../lib/protocol";

/** The emit token the tests start instances with (REALTIME_EMIT_TOKEN). */
export const EMIT_TOKEN = "test-emit-token-0123456789";

const emitted = z.object({ event: channelEventSchema });

/** `POST /api/realtime/emit` as any service would with curl; resolves to the stored event. */
export async function emit(
  baseUrl: string,
  body: { channel?: string; event: string; data: unknown },
  token = EMIT_TOKEN,
): Promise<ChannelEvent> {
  const res = await fetch(`${baseUrl}/api/realtime/emit`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status !== 201) throw new Error(`emit answered ${res.status}: ${text}`);
  return emitted.parse(JSON.parse(text)).event;
}

/** An announcement for the lobby's "announcements" channel. */
export function announce(baseUrl: string, text: string, by?: string): Promise<ChannelEvent> {
  return emit(baseUrl, { channel: "announcements", event: "announcement.posted", data: by ? { text, by } : { text } });
}
