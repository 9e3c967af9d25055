import Redis from "ioredis";
import { startApp, type AppInstance, type StartOptions } from "../helpers/app-server";
import { sleep } from "../helpers/wait";
import type { ChaosClient } from "./chaos-client";

export type FaultName = "kill-instance" | "cut-sockets" | "kill-readers" | "redis-sleep";
export const FAULTS: FaultName[] = ["kill-instance", "cut-sockets", "kill-readers", "redis-sleep"];

export type FaultTarget = {
  instances: AppInstance[];
  /** Environment the instances were started with (a restarted one gets the same). */
  env: StartOptions["env"];
  clients: ChaosClient[];
  /** An admin connection to the deployment's Redis (not one of Flare's). */
  admin: Redis;
};

/** One fault, injected now; resolves once the system was given back what the fault took. */
export async function inject(fault: FaultName, t: FaultTarget, random: () => number): Promise<void> {
  switch (fault) {
    case "kill-instance": {
      const i = Math.floor(random() * t.instances.length);
      const victim = t.instances[i]!;
      await victim.kill();
      await sleep(500 + random() * 1500);
      t.instances[i] = await startApp({ port: victim.port, env: t.env });
      return;
    }
    case "cut-sockets": {
      for (const c of t.clients) if (random() < 0.3) c.cut();
      return;
    }
    case "kill-readers": {
      // The instances' blocking XREAD connections, by the name Flare gives them.
      const list = String(await t.admin.call("CLIENT", "LIST"));
      for (const line of list.split("\n")) {
        const id = /(?:^| )id=(\d+)/.exec(line)?.[1];
        if (id && / name=flare-reader:/.test(line)) await t.admin.call("CLIENT", "KILL", "ID", id);
      }
      return;
    }
    case "redis-sleep": {
      // Blocks the whole Redis server for a second, as a stalled disk or a long script would.
      await t.admin.call("DEBUG", "SLEEP", "1");
      return;
    }
  }
}
