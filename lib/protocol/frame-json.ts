import type { Message } from "./server-frames";
import type { ChannelEvent } from "./channel-frames";

const messageFrames = new WeakMap<Message, string>();

/** The `message` frame of a stored message, serialised once however many readers it goes to. */
export function messageFrameJson(message: Message): string {
  let json = messageFrames.get(message);
  if (json === undefined) {
    json = JSON.stringify({ type: "message", message });
    messageFrames.set(message, json);
  }
  return json;
}

const eventFrames = new WeakMap<ChannelEvent, string>();

/** The `event` frame of a stored channel event, serialised once however many followers it goes to. */
export function eventFrameJson(event: ChannelEvent): string {
  let json = eventFrames.get(event);
  if (json === undefined) {
    json = JSON.stringify({ type: "event", ...event });
    eventFrames.set(event, json);
  }
  return json;
}
