/**
 * Serves Flare outside Vercel (`npm run dev`, `npm start`): Next.js for pages and HTTP routes, and
 * the WebSocket route module (app/api/ws/route.ts) called directly for upgrades, with the request
 * context that `experimental_upgradeWebSocket` needs (lib/server/upgrade.ts). On Vercel this file
 * is not used; the platform calls the same route and performs the upgrade.
 */
import { EventEmitter } from "node:events";
import { createServer, type Server } from "node:http";
import next from "next";
import { env } from "./lib/env";
import { shutdownInstance } from "./lib/instance";
import { withConnection } from "./lib/server/http-connection";
import { installRequestContext, pendingBackgroundWork } from "./lib/server/request-context";
import { GET as webSocketRoute } from "./app/api/ws/route";
import { serveUpgrade } from "./lib/server/upgrade";

const WS_PATH = "/api/ws";
const EXIT_DEADLINE_MS = 10_000;

async function main(): Promise<void> {
  const config = env();
  const dev = process.env.NODE_ENV !== "production";
  process.env.NEXT_TELEMETRY_DISABLED ??= "1";
  installRequestContext();

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

  // withConnection: a route can drop its connection (a stalled SSE reader, lib/http/sse.ts).
  const server = createServer((req, res) => withConnection(res, () => void handle(req, res)));
  server.on("upgrade", (req, socket, head) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path === WS_PATH) serveUpgrade(webSocketRoute, req, socket as import("node:net").Socket, head);
    else if (nextUpgrades.listenerCount("upgrade") > 0) nextUpgrades.emit("upgrade", req, socket, head);
    else socket.destroy();
  });

  await new Promise<void>((resolve) => server.listen(config.PORT, config.HOSTNAME, resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.PORT;
  console.log(
    `> Flare ready on http://localhost:${port} (${dev ? "development" : "production"}, ${config.REDIS_URL ? "redis" : "in-memory"})`,
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`> ${signal}: draining`);
    const force = setTimeout(() => {
      console.error("> drain took too long; exiting");
      process.exit(1);
    }, EXIT_DEADLINE_MS - 500);
    force.unref();
    server.close();
    server.closeIdleConnections();
    await shutdownInstance(EXIT_DEADLINE_MS - 2000);
    await Promise.race([pendingBackgroundWork(), new Promise((r) => setTimeout(r, 1000))]);
    server.closeAllConnections();
    await app.close().catch(() => {});
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
