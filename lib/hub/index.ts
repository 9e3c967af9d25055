import { createBus } from "../bus";
import { env } from "../env";
import { Hub } from "./hub";
import { lobbyOnly, type RoomAccess } from "./room-access";

export { Hub } from "./hub";
export type { ConnectionContext } from "./connection";

/**
 * server.ts and the Next bundle load separate copies of this module, so the one hub of the
 * process lives on globalThis.
 */
const KEY = Symbol.for("flare.hub");
type Global = typeof globalThis & { [KEY]?: Hub };

export function getHub(): Hub {
  const g = globalThis as Global;
  if (!g[KEY]) {
    const config = env();
    g[KEY] = new Hub({
      bus: createBus(),
      access: roomAccess(),
      leaveGraceMs: config.LEAVE_GRACE_MS,
      heartbeatMs: Math.max(1000, Math.floor(config.PRESENCE_TTL_MS / 3)),
    });
  }
  return g[KEY];
}

/** The hub if this process created one (server.ts uses it to drain on SIGTERM). */
export function existingHub(): Hub | undefined {
  return (globalThis as Global)[KEY];
}

function roomAccess(): RoomAccess {
  return lobbyOnly;
}
