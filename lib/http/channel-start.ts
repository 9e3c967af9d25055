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
  const resumed = new Set<string>();
  const starts = await Promise.all(
    req.channels.map(async (channel): Promise<{ spec: FollowSpec; position: string }> => {
      const base = { channel, ...(req.events ? { events: [...req.events] } : {}) };
      const held = req.held.get(channel);
      if (held !== undefined && held !== CURSOR_START) resumed.add(channel);
      const position = held ?? (await newestId(channels, channel));
      if (position === CURSOR_START) return { spec: { ...base, history: CHANNEL_RETAINS }, position };
      if (held === undefined && req.history > 0) return { spec: { ...base, history: req.history }, position };
      return { spec: { ...base, since: position, history: req.history }, position };
    }),
  );
  const cursor = new ChannelCursor();
  for (const { spec, position } of starts) cursor.set(spec.channel, position);
  return { specs: starts.map((s) => s.spec), cursor, resumed };
}

async function newestId(channels: ChannelService, channel: string): Promise<string> {
  const [newest] = await channels.history(channel, { limit: 1 });
  return newest?.id ?? CURSOR_START;
}
