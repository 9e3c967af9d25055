import type Redis from "ioredis";
import { metrics } from "./metrics";

/**
 * Times every command of a client into flare_redis_command_duration_seconds. ioredis has no
 * command hook, so `sendCommand` is wrapped: one clock read when the command is queued and one
 * when it settles. Not for the blocking reader: its XREAD waits by design.
 */
export function timeCommands(client: Redis): void {
  const histogram = metrics().redisCommandSeconds;
  const send = client.sendCommand.bind(client);
  client.sendCommand = ((command, stream) => {
    const started = process.hrtime.bigint();
    const observe = () => histogram.observe({ command: command.name }, Number(process.hrtime.bigint() - started) / 1e9);
    command.promise.then(observe, observe);
    return send(command, stream);
  }) as typeof client.sendCommand;
}
