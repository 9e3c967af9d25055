import type { Command } from "ioredis";
import type { RedisClient } from "../redis/client";
import { metrics } from "./metrics";

/**
 * Times every command of a client into flare_redis_command_duration_seconds. ioredis has no
 * command hook, so `sendCommand` is wrapped: one clock read when the command is queued and one
 * when it settles. Not for the reader connections (their subscriptions wait by design); their
 * catch-up reads go through the command client and are timed.
 */
export function timeCommands(client: RedisClient): void {
  const histogram = metrics().redisCommandSeconds;
  // Redis and Cluster both send through `sendCommand(command, …)`; their extra parameters differ.
  const target = client as unknown as { sendCommand: (command: Command, ...rest: unknown[]) => unknown };
  const send = target.sendCommand.bind(client);
  target.sendCommand = (command, ...rest) => {
    const started = process.hrtime.bigint();
    const observe = () => histogram.observe({ command: command.name }, Number(process.hrtime.bigint() - started) / 1e9);
    command.promise.then(observe, observe);
    return send(command, ...rest);
  };
}
