import type { RedisCommander } from "ioredis";
import type { RedisClient } from "../client";
import { channelScripts } from "./channels";
import { clientBindingScripts } from "./client-bindings";
import { eventScripts } from "./events";
import { livenessScripts } from "./liveness";
import { messageScripts } from "./messages";
import type { ScriptDefinition } from "./prelude";
import { presenceScripts } from "./presence";
import { seatScripts } from "./seats";

/**
 * Flare's Lua scripts as ioredis custom commands (`client.flareAppend(…)`, also in pipelines).
 * Each runs atomically in Redis and costs one round trip: EVALSHA, falling back to EVAL after a
 * NOSCRIPT (e.g. a restarted Redis). Each concern's module declares its commands' types.
 *
 * In a pipeline or MULTI, ioredis resends a script that got NOSCRIPT on its own, after the rest:
 * order and atomicity across commands hold only while Redis still has the scripts. The bus
 * therefore calls every script as a command of its own.
 */

type FlareCommand = Extract<keyof RedisCommander, `flare${string}`>;

/** Every typed `flare…` command, and only those, has its script here. */
const SCRIPTS: Record<FlareCommand, ScriptDefinition> = {
  ...messageScripts,
  ...eventScripts,
  ...presenceScripts,
  ...livenessScripts,
  ...seatScripts,
  ...clientBindingScripts,
  ...channelScripts,
};

/** Registers the scripts on a client (idempotent). */
export function defineScripts(client: RedisClient): void {
  for (const [name, definition] of Object.entries(SCRIPTS)) {
    if (!Object.hasOwn(client, name)) client.defineCommand(name, definition);
  }
}
