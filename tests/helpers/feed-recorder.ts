import type { Bus, FeedSink, RoomEvent } from "../../lib/bus/types";
import type { Message } from "../../lib/protocol";

/** A feed reader that records everything: history and live messages in the order it got them. */
export type Recorder = FeedSink & {
  messages: Message[];
  histories: { messages: Message[]; reset: boolean }[];
  events: RoomEvent[];
  /** How often the feed told its owner that the log restarted. */
  resets: number;
  unavailable: () => void;
  gaveUp: boolean;
};

export function recorder(): Recorder {
  const r: Recorder = {
    messages: [],
    histories: [],
    events: [],
    resets: 0,
    gaveUp: false,
    history: (messages, reset) => {
      r.histories.push({ messages, reset });
      r.messages.push(...messages);
    },
    message: (m) => r.messages.push(m),
    unavailable: () => {
      r.gaveUp = true;
    },
  };
  return r;
}

/**
 * Opens a feed of `room` on `bus` for the recorder (history after `since`, then live); resolves
 * once the history was delivered. The returned function closes it.
 */
export async function follow(bus: Bus, room: string, since: string | undefined, r: Recorder): Promise<() => void> {
  const feed = bus.feed(room, { event: (e) => r.events.push(e), reset: () => r.resets++ });
  await feed.open(r, { since });
  return () => feed.close(r);
}
