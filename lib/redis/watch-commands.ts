import type { Command } from "ioredis";
import type { RedisClient } from "./client";

export type CommandWatch = {
  /** A command not answered within this long is rejected with "Command timed out". */
  timeoutMs: number;
  /** Told of every command once it settles (answered, failed or timed out): its name and latency. */
  settled?: (name: string, ms: number) => void;
};

/**
 * Puts a deadline on every command of a client and reports its latency, through one hook on
 * `sendCommand` (ioredis has no command hook; Redis and Cluster both send through it, pipelines
 * included). This replaces ioredis's `commandTimeout`, which arms a timer per command and clears it
 * on the reply: on a chat instance that was ~2 % of the CPU (issue #9). Here the commands in flight
 * sit in one insertion-ordered map and one interval, running only while any is in flight, rejects
 * those past their deadline, as ioredis would; a command may run over by up to a quarter of the
 * timeout.
 */
export function watchCommands(client: RedisClient, watch: CommandWatch): void {
  const { timeoutMs, settled } = watch;
  const sweepMs = Math.max(1, Math.floor(timeoutMs / 4));
  /** Command → its deadline. Every command gets the same timeout, so the oldest come first. */
  const inFlight = new Map<Command, number>();
  let sweeper: NodeJS.Timeout | undefined;

  const sweep = () => {
    const now = performance.now();
    for (const [command, deadline] of inFlight) {
      if (deadline > now) break;
      inFlight.delete(command);
      if (!command.isSettled) command.reject(new Error("Command timed out"));
    }
    if (inFlight.size === 0) {
      clearInterval(sweeper);
      sweeper = undefined;
    }
  };

  const target = client as unknown as { sendCommand: (command: Command, ...rest: unknown[]) => unknown };
  const send = target.sendCommand.bind(client);
  target.sendCommand = (command, ...rest) => {
    // A cluster sends a command again after MOVED/ASK: the first send's deadline stands.
    if (!inFlight.has(command) && !command.isSettled) {
      const started = performance.now();
      inFlight.set(command, started + timeoutMs);
      watchSettling(command, () => {
        inFlight.delete(command);
        settled?.(command.name, performance.now() - started);
      });
      if (!sweeper) {
        sweeper = setInterval(sweep, sweepMs);
        sweeper.unref();
      }
    }
    return send(command, ...rest);
  };
}

/**
 * Calls `done` once, when the command is answered, fails or times out, from inside its own
 * resolve/reject: ioredis settles a command only through those two. A `.then` on its promise would
 * add a promise and a microtask to every command (issue #9: each promise also runs every enabled
 * AsyncLocalStorage's hook, six of them under Next).
 */
function watchSettling(command: Command, done: () => void): void {
  const { resolve, reject } = command;
  let pending = true;
  const settle = () => {
    if (!pending) return;
    pending = false;
    done();
  };
  // The command settles before the watch is told: its callers come first, the metric after.
  command.resolve = (result) => {
    resolve(result);
    settle();
  };
  command.reject = (error) => {
    reject(error);
    settle();
  };
}
