import { z } from "zod";
import { channelNameSchema, compareIds, isMessageId, MAX_CHANNELS_PER_CONNECTION, START_ID } from "../protocol";

/**
 * A channel that held nothing when the stream began: everything it holds later is new to the
 * client, so a resume replays all of it.
 */
export const CURSOR_START = START_ID;

const entry = z
  .string()
  .transform((s) => {
    const at = s.indexOf("@");
    return at < 0 ? { channel: "", id: s } : { channel: s.slice(0, at), id: s.slice(at + 1) };
  })
  .pipe(
    z.object({
      channel: channelNameSchema,
      id: z.string().refine(isMessageId, "each cursor entry is <channel>@<event id>"),
    }),
  );

/**
 * A stream position over several channels, as Last-Event-ID carries it: `C1@<id>,C2@<id>`, each
 * channel's newest event the client holds. Channel names never contain `@` or `,`.
 */
export const channelCursor = z
  .string()
  .trim()
  .max(MAX_CHANNELS_PER_CONNECTION * 100)
  .transform((s) => (s === "" ? [] : s.split(",")))
  .pipe(z.array(entry).max(MAX_CHANNELS_PER_CONNECTION))
  .transform((entries) => new Map(entries.map(({ channel, id }) => [channel, id])));

/** The position an SSE stream over several channels has reached, one id per channel. */
export class ChannelCursor {
  private readonly ids = new Map<string, string>();

  get(channel: string): string | undefined {
    return this.ids.get(channel);
  }

  set(channel: string, id: string): void {
    this.ids.set(channel, id);
  }

  /** Moves `channel` to `id` unless it already stands at or past it. */
  advance(channel: string, id: string): void {
    const current = this.ids.get(channel);
    if (current === undefined || compareIds(id, current) > 0) this.ids.set(channel, id);
  }

  toString(): string {
    return [...this.ids].map(([channel, id]) => `${channel}@${id}`).join(",");
  }
}
