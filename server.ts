/**
 * Serves Flare outside Vercel (`npm run dev`, `npm start`): Next.js for pages and HTTP routes, and
 * the WebSocket route module (app/api/ws/route.ts) called directly for upgrades, with the request
 * context that `experimental_upgradeWebSocket` needs (lib/server/upgrade.ts). In production the
 * hot API routes of DIRECT_ROUTES are called directly too (lib/server/direct-routes.ts). On Vercel
 * this file is not used; the platform calls the same routes and performs the upgrade.
 */
import { EventEmitter } from "node:events";
import { createServer, type Server } from "node:http";
import path from "node:path";
import next from "next";
import { env } from "./lib/env";
import { instance, shutdownInstance } from "./lib/instance";
import { errorFields, log } from "./lib/observability/log";
import { stampPeerAddress } from "./lib/server/client-address";
import { withConnection } from "./lib/server/http-connection";
import { collectGarbage, startIdleGc } from "./lib/server/idle-gc";
import { installRequestContext, pendingBackgroundWork } from "./lib/server/request-context";
import { GET as webSocketRoute } from "./app/api/ws/route";
import { POST as claimSeat } from "./app/api/rooms/[id]/join/route";
import { type DirectRoute, directRouter } from "./lib/server/direct-routes";
import { serveUpgrade } from "./lib/server/upgrade";

const WS_PATH = "/api/ws";
/** API routes whose per-request cost matters (issue #9: a seat claim ≤ 1 ms of CPU). */
const DIRECT_ROUTES: DirectRoute[] = [{ page: "/api/rooms/[id]/join", method: "POST", handler: claimSeat }];
const EXIT_DEADLINE_MS = 10_000;

async function main(): Promise<void> {
  const config = env();
  const dev = process.env.NODE_ENV !== "production";
  process.env.NEXT_TELEMETRY_DISABLED ??= "1";
  installRequestContext();
  log().info({ pid: process.pid, node: process.version, mode: dev ? "development" : "production" }, "starting");

  // Next attaches its own upgrade listener to `httpServer` on the first request, and that
  // listener ends every upgrade aimed at an app route. It gets a private emitter instead; only
  // its own upgrades (hot reload in dev) are forwarded to it.
  const nextUpgrades = new EventEmitter();
  const app = next({
    dev,
    hostname: "localhost",
    port: config.PORT,
    httpServer: nextUpgrades as unknown as Server,
  });
  const handle = app.getRequestHandler();
  await app.prepare();
  const direct = dev ? () => false : directRouter(path.join(process.cwd(), ".next"), config.PORT, DIRECT_ROUTES);

  const server = createServer((req, res) => {
    // Routes key their limits on the peer address (lib/server/client-address.ts); Next does not pass the socket on.
    stampPeerAddress(req);
    // withConnection: a route can drop its connection (a stalled SSE reader, lib/http/sse.ts).
    withConnection(res, () => direct(req, res) || void handle(req, res));
  });
  server.on("upgrade", (req, socket, head) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path === WS_PATH) serveUpgrade(webSocketRoute, req, socket as import("node:net").Socket, head);
    else if (nextUpgrades.listenerCount("upgrade") > 0) nextUpgrades.emit("upgrade", req, socket, head);
    else socket.destroy();
  });

  if (config.IDLE_GC === "on") {
    instance(); // wired now, so that its start-up garbage goes with the rest before the first request
    if (await collectGarbage()) startIdleGc();
  }
  await new Promise<void>((resolve) => server.listen(config.PORT, config.HOSTNAME, resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.PORT;
  const store = config.REDIS_URL ? "redis" : "in-memory";
  log().info(
    { port, store, instance: instance().id },
    `Flare ready on http://localhost:${port} (${dev ? "development" : "production"}, ${store})`,
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log().info({ signal }, "draining");
    const force = setTimeout(() => {
      log().error("drain took too long; exiting");
      process.exit(1);
    }, EXIT_DEADLINE_MS - 500);
    force.unref();
    server.close();
    server.closeIdleConnections();
    await shutdownInstance(EXIT_DEADLINE_MS - 2000);
    await Promise.race([pendingBackgroundWork(), new Promise((r) => setTimeout(r, 1000))]);
    server.closeAllConnections();
    await app.close().catch(() => {});
    log().info("drained; exiting");
    log().flush();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

main().catch((e) => {
  log().fatal({ ...errorFields(e) }, "failed to start");
  process.exit(1);
});
