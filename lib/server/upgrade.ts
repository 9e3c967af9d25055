import { ServerResponse, type IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import { Duplex } from "node:stream";
import { runWithContext } from "./request-context";

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<unknown> | unknown;

/**
 * Runs an upgrade request through Next's request handler, so `app/api/ws/route.ts` decides.
 *
 * Next writes a response for every request: a rejection (403, 426, 503) must reach the client,
 * but after the route upgraded, Next's 204 must not land inside the WebSocket stream. Next writes
 * into a relay that forwards to the real socket until `upgradeWebSocket()` is called, and drops
 * everything after it.
 */
export function handleUpgradeThroughNext(handler: Handler, req: IncomingMessage, socket: Socket, head: Buffer): void {
  let upgraded = false;
  const relay = new Duplex({
    write(chunk, _encoding, callback) {
      if (upgraded || socket.destroyed) return callback();
      socket.write(chunk, callback);
    },
    final(callback) {
      callback();
    },
    read() {},
  });
  // A client that goes away before the upgrade: nothing else would close its socket.
  const onEnd = () => socket.destroy();
  socket.on("end", onEnd);
  socket.on("error", () => socket.destroy());

  const res = new ServerResponse(req);
  res.assignSocket(relay as unknown as Socket);
  res.on("finish", () => {
    if (!upgraded) socket.end();
  });

  const upgradeWebSocket = () => {
    if (upgraded) throw new Error("upgradeWebSocket() called twice");
    upgraded = true;
    socket.off("end", onEnd);
    return { req, socket, head };
  };

  runWithContext({ upgradeWebSocket }, async () => {
    try {
      await handler(req, res);
    } catch (e) {
      console.error("[upgrade] handler failed:", e);
      if (!upgraded) socket.end("HTTP/1.1 500 Internal Server Error\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
    }
  });
}
