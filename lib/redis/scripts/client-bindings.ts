import type { Result } from "ioredis";
import type { ScriptDefinition } from "./prelude";

/** clientId → token-hash bindings (lib/identity): check-or-bind and refresh in one round trip. */

/** 1 = bound now, 0 = the hash matched, -1 = bound to another hash. */
export type BindClientStatus = 1 | 0 | -1;

declare module "ioredis" {
  interface RedisCommander<Context> {
    flareBindClient(binding: string, tokenHash: string, ttlMs: number): Result<BindClientStatus, Context>;
  }
}

export const clientBindingScripts = {
  /** KEYS[1]: the clientId's binding. ARGV: the presented token's hash, the binding's life (ms). */
  flareBindClient: {
    numberOfKeys: 1,
    lua: `
local current = redis.call('GET', KEYS[1])
if current and current ~= ARGV[1] then return -1 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
if current then return 0 end
return 1
`,
  } satisfies ScriptDefinition,
};
