import { AsyncLocalStorage } from "node:async_hooks";
import type { ServerResponse } from "node:http";

/**
 * The Node response of the HTTP request being handled, for the one thing a route cannot do through
 * Next: drop the TCP connection. Next pipes a route's body with backpressure, but when the body
 * errors while a write waits for a `drain` that never comes (a client that stopped reading), it
 * waits for ever and the connection, its socket buffers and its descriptor stay.
 *
 * Kept on `globalThis`: server.ts and the route bundles are built separately, and must share one
 * store. Under server.ts only; on Vercel the platform streams the response and there is no store.
 */
const SYMBOL = Symbol.for("flare.http-connection");

function storage(): AsyncLocalStorage<ServerResponse> {
  const g = globalThis as Record<symbol, AsyncLocalStorage<ServerResponse> | undefined>;
  return (g[SYMBOL] ??= new AsyncLocalStorage<ServerResponse>());
}

/** Runs server.ts's handling of one request with its response reachable from route code. */
export function withConnection<T>(res: ServerResponse, fn: () => T): T {
  return storage().run(res, fn);
}

/**
 * For the request being handled now: a function that resets its TCP connection (no graceful end:
 * that would queue behind data the client does not read), or undefined where there is none to
 * reach. Capture it while handling the request; call it later.
 */
export function connectionDropper(): (() => void) | undefined {
  const res = storage().getStore();
  if (!res) return undefined;
  return () => {
    const socket = res.socket;
    if (socket && !socket.destroyed) socket.resetAndDestroy();
    else res.destroy();
  };
}
