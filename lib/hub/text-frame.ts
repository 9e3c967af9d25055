import { Duplex } from "node:stream";
import type { WebSocket } from "ws";
import type { ChannelEvent, Message, ServerFrame } from "../protocol";

/**
 * A server frame serialised and framed once, then written unchanged to every socket it goes to.
 * `ws.send(json)` encodes the text again for each socket and writes header and payload as two
 * chunks (a corked writev); a broadcast to n sockets did that n times. Pre-framing a broadcast is
 * what ws's maintainers suggest for it (websockets/ws#617, #1016).
 */
export class TextFrame {
  private framed: Buffer | undefined;

  constructor(readonly json: string) {}

  static of(frame: ServerFrame): TextFrame {
    return new TextFrame(JSON.stringify(frame));
  }

  /** The whole WebSocket frame in one buffer: FIN + text opcode, unmasked (RFC 6455 §5.2). */
  get bytes(): Buffer {
    return (this.framed ??= encodeTextFrame(this.json));
  }
}

function encodeTextFrame(json: string): Buffer {
  const length = Buffer.byteLength(json);
  const header = length < 126 ? 2 : length < 65536 ? 4 : 10;
  // Not from Node's shared 8 KB pool: a frame can outlive its broadcast (a room keeps its last
  // presence frame), and a pooled slice would keep its whole slab alive with it.
  const frame = Buffer.allocUnsafeSlow(header + length);
  frame[0] = 0x81;
  if (header === 2) {
    frame[1] = length;
  } else if (header === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  frame.write(json, header, "utf8");
  return frame;
}

/**
 * The socket under a ws WebSocket, when a framed buffer may be written to it directly: nothing was
 * negotiated that rewrites frames (permessage-deflate is off on every server Flare creates, but
 * the check keeps a future option honest). ws writes its own frames (pings, close) straight to
 * the same socket, so the order of everything sent is kept. `_socket` is ws's own field; a ws
 * version without it falls back to `ws.send`, and tests/unit/hub/text-frame.test.ts fails loudly.
 */
export function directSocket(ws: WebSocket): Duplex | undefined {
  if (ws.extensions !== "") return undefined;
  const socket: unknown = (ws as unknown as { _socket?: unknown })._socket;
  return socket instanceof Duplex ? socket : undefined;
}

const messageFrames = new WeakMap<Message, TextFrame>();

/** The `message` frame of a stored message, built once however many readers it goes to. */
export function messageFrame(message: Message): TextFrame {
  let frame = messageFrames.get(message);
  if (frame === undefined) {
    frame = TextFrame.of({ type: "message", message });
    messageFrames.set(message, frame);
  }
  return frame;
}

const eventFrames = new WeakMap<ChannelEvent, TextFrame>();

/** The `event` frame of a stored channel event, built once however many followers it goes to. */
export function eventFrame(event: ChannelEvent): TextFrame {
  let frame = eventFrames.get(event);
  if (frame === undefined) {
    frame = TextFrame.of({ type: "event", ...event });
    eventFrames.set(event, frame);
  }
  return frame;
}
