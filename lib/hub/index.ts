import { existingInstance, instance } from "../instance";
import type { Hub } from "./hub";

export { Hub } from "./hub";
export type { ConnectionContext } from "./connection";

/** The process's hub (see lib/instance.ts for how it is wired). */
export function getHub(): Hub {
  return instance().hub;
}

/** The hub if this process created one (server.ts uses it to drain on SIGTERM). */
export function existingHub(): Hub | undefined {
  return existingInstance()?.hub;
}
