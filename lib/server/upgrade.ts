import { type IncomingMessage, STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import { NextRequest } from "next/server";
import { PEER_ADDRESS_HEADER } from "./client-address";
import { errorFields, log } from "../observability/log";
import { runWithContext } from "./request-context";

/** The WebSocket route's handler: `GET` of app/api/ws/route.ts. */
export type UpgradeRoute = (req: NextRequest) => Promise<Response>;

/**
 * Serves an upgrade request with the WebSocket route module itself, the way the Vercel runtime
 * does: the route runs with a request context whose `upgradeWebSocket()` hands over the raw socket.
 *
 * Not through Next's request pipeline: that pipeline costs milliseconds per connection, and the
 * request and response objects it builds stayed reachable from the socket for the socket's whole
 * life (about 30 KB of heap per idle connection; see the cost notes of issue #9). A rejection the
 * route answers (403, 426, 503) is written to the socket as a plain HTTP response.
 */
export function serveUpgrade(route: UpgradeRoute, req: IncomingMessage, socket: Socket, head: Buffer): void {
  let upgraded = false;
  // A client that goes away before the upgrade: nothing else would close its socket.
  const onEnd = () => socket.destroy();
  socket.on("end", onEnd);
  socket.on("error", () => socket.destroy());

  const upgradeWebSocket = () => {
    if (upgraded) throw new Error("upgradeWebSocket() called twice");
    upgraded = true;
    socket.off("end", onEnd);
    return { req, socket, head };
  };

  runWithContext({ upgradeWebSocket }, async () => {
    try {
      const response = await route(toNextRequest(req));
      if (!upgraded) await writeResponse(socket, response);
    } catch (e) {
      log().error({ ...errorFields(e), url: req.url }, "WebSocket route failed");
      if (!upgraded) socket.end("HTTP/1.1 500 Internal Server Error\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
    }
  });
}

/** The request as the route sees it, with the socket's peer address in place of any copy the client sent. */
function toNextRequest(req: IncomingMessage): NextRequest {
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i]!.toLowerCase() !== PEER_ADDRESS_HEADER) headers.append(raw[i]!, raw[i + 1]!);
  }
  headers.set(PEER_ADDRESS_HEADER, req.socket.remoteAddress ?? "");
  return new NextRequest(new URL(req.url ?? "/", `http://${req.headers.host ?? "localhost"}`), { headers });
}

async function writeResponse(socket: Socket, response: Response): Promise<void> {
  const body = Buffer.from(await response.arrayBuffer());
  const lines = [`HTTP/1.1 ${response.status} ${STATUS_CODES[response.status] ?? ""}`];
  response.headers.forEach((value, name) => {
    if (name !== "content-length" && name !== "connection") lines.push(`${name}: ${value}`);
  });
  lines.push(`Content-Length: ${body.length}`, "Connection: close", "", "");
  socket.end(Buffer.concat([Buffer.from(lines.join("\r\n"), "latin1"), body]));
}
