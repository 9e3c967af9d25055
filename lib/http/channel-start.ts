import type { ChannelService, FollowSpec } from "../channels/service";
import { CHANNEL_RETAINS } from "../protocol";
import { ChannelCursor, CURSOR_START } from "./channel-cursor";

export type StreamRequest = {
  channels: readonly string[];
  events?: readonly string[] | undefined;
  /** Past events to replay per channel the client holds no position in. */
  history: number;
  /** Where the client stands (its Last-Event-ID), by channel. */
  held: ReadonlyMap<string, string>;
};

/** How an SSE stream over several channels starts: what to follow, and the position already reached. */
export type StreamStart = {
  specs: FollowSpec[];
  cursor: ChannelCursor;
  /** Channels the client held events of: a reset of theirs means it may have missed some. */
  resumed: ReadonlySet<string>;
};

/**
 * Where each channel starts so that the stream's cursor resumes every channel without a gap, even
 * one that sends nothing for a while. A held id resumes after it. A channel new to the client is
 * read first for its newest id (one read each, before following, so no event falls between the
 * read and the follow): the cursor starts there, or at CURSOR_START when the channel is empty, and
 * with `history` 0 the follow starts right after it.
 */
export async function streamStart(channels: ChannelService, req: StreamRequest): Promise<StreamStart> {
  const cursor = new ChannelCursor();
  const resumed = new Set<string>();
  const specs = await Promise.all(
    req.channels.map(async (channel): Promise<FollowSpec> => {
      const base = { channel, ...(req.events ? { events: [...req.events] } : {}) };
      let position = req.held.get(channel);
      if (position === undefined) {
        const [newest] = await channels.history(channel, { limit: 1 });
        position = newest?.id ?? CURSOR_START;
        if (req.history > 0 && position !== CURSOR_START) {
          cursor.set(channel, position);
          return { ...base, history: req.history };
        }
      } else if (position !== CURSOR_START) {
        resumed.add(channel);
      }
      cursor.set(channel, position);
      if (position === CURSOR_START) return { ...base, history: CHANNEL_RETAINS };
      return { ...base, since: position, history: req.history };
    }),
  );
  return { specs, cursor, resumed };
}
