import type { RedisClient } from "../redis/client";
import { Commands } from "../redis/commands";
import { clientBindingKey } from "../redis/keys";
import { defineScripts } from "../redis/scripts";
import type { BindOutcome, ClientBindings } from "./types";

const OUTCOMES = { 1: "bound", 0: "matched", [-1]: "taken" } as const satisfies Record<number, BindOutcome>;

/** Bindings shared by every instance: one key per clientId, checked and refreshed by one script. */
export class RedisBindings implements ClientBindings {
  private readonly cmd: Commands;

  constructor(client: RedisClient, instanceId: string) {
    defineScripts(client);
    this.cmd = new Commands(client, instanceId);
  }

  async bind(clientId: string, tokenHash: string, ttlMs: number): Promise<BindOutcome> {
    const status = await this.cmd.run((r) => r.flareBindClient(clientBindingKey(clientId), tokenHash, ttlMs));
    return OUTCOMES[status];
  }
}
