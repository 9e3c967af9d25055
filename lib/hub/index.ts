import { instance } from "../instance";
import type { Hub } from "./hub";

export type { Hub } from "./hub";
export type { ConnectionContext } from "./connection";

/** The process's hub (see lib/instance.ts for how it is wired). */
export function getHub(): Hub {
  return instance().hub;
}
