import { AsyncLocalStorage } from "node:async_hooks";
import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import { errorFields, log } from "../observability/log";

/**
 * The request context that `@vercel/functions` reads from
 * `globalThis[Symbol.for("@vercel/request-context")]`. On Vercel the runtime supplies it; under
 * server.ts we do, so the same route module upgrades WebSockets everywhere.
 */
export type UpgradeTarget = { req: IncomingMessage; socket: Socket; head: Buffer };

export type RequestContext = {
  waitUntil?: (promise: Promise<unknown>) => void;
  upgradeWebSocket?: () => UpgradeTarget;
};

const SYMBOL = Symbol.for("@vercel/request-context");
const storage = new AsyncLocalStorage<RequestContext>();
const background = new Set<Promise<unknown>>();

const plainContext: RequestContext = {
  waitUntil(promise) {
    background.add(promise);
    promise
      .catch((e) => log().error({ ...errorFields(e) }, "background work failed"))
      .finally(() => background.delete(promise));
  },
};

export function installRequestContext(): void {
  (globalThis as Record<symbol, unknown>)[SYMBOL] = { get: () => storage.getStore() ?? plainContext };
}

export function runWithContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run({ ...plainContext, ...context }, fn);
}

/** Work handed to waitUntil() that shutdown should let finish. */
export function pendingBackgroundWork(): Promise<unknown> {
  return Promise.allSettled([...background]);
}
