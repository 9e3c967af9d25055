import type { Message } from "./server-frames";

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
