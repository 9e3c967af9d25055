import type { RedisClient } from "./client";
import { FlareError, isFlareError } from "../protocol";
import { COMMAND_TIMEOUT_MS } from "./client";
import { ROOM_NOT_FOUND_REPLY } from "./scripts/prelude";
import { log } from "../observability/log";

/**
 * Runs commands on the shared command client with the Bus's error contract: a script's
 * ROOM_NOT_FOUND becomes FlareError("room_not_found"), everything else (connection down, timeout,
 * an unexpected reply error) FlareError("unavailable"). Never waits longer than the command
 * timeout: while the client is reconnecting, commands fail at once (no offline queue); only before
 * the very first connection of the process does a command wait (bounded) for it.
 */
export class Commands {
  private everReady: boolean;
  /** Settles when the client first becomes ready. */
  private firstReady: Promise<void> | undefined;
  private loggedReplyErrors = new Set<string>();

  constructor(
    readonly client: RedisClient,
    readonly instanceId: string,
  ) {
    this.everReady = client.status === "ready";
    if (!this.everReady) client.once("ready", () => (this.everReady = true));
  }

  run<T>(op: (client: RedisClient) => Promise<T>): Promise<T> {
    if (this.client.status !== "ready") {
      return this.firstConnection().then(
        () => this.send(op),
        (e: unknown) => {
          throw this.toBusError(e);
        },
      );
    }
    return this.send(op);
  }

  /**
   * One promise over the command's own (an `async` function awaiting it made three): every
   * command of the hot path goes through here, and under Next each promise also runs every enabled
   * AsyncLocalStorage's hook (issue #9).
   */
  private send<T>(op: (client: RedisClient) => Promise<T>): Promise<T> {
    let sent: Promise<T>;
    try {
      sent = op(this.client);
    } catch (e) {
      return Promise.reject(this.toBusError(e));
    }
    return sent.catch((e: unknown) => {
      throw this.toBusError(e);
    });
  }

  private async firstConnection(): Promise<void> {
    const status = this.client.status;
    if (this.everReady || !["wait", "connecting", "connect"].includes(status)) {
      throw new FlareError("unavailable", undefined, { cause: new Error(`redis connection is ${status}`) });
    }
    if (status === "wait") void this.client.connect().catch(() => {});
    // One listener for every command waiting (a burst of them must not pile up listeners).
    this.firstReady ??= new Promise<void>((resolve) => this.client.once("ready", () => resolve()));
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.firstReady,
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(new FlareError("unavailable", undefined, { cause: new Error("redis did not connect in time") })),
            COMMAND_TIMEOUT_MS,
          );
          timer.unref();
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  private toBusError(e: unknown): FlareError {
    if (isFlareError(e)) return e;
    const message = e instanceof Error ? e.message : String(e);
    if (message.startsWith(ROOM_NOT_FOUND_REPLY)) return new FlareError("room_not_found", undefined, { cause: e });
    if (isReplyError(e) && !this.loggedReplyErrors.has(message)) {
      // A reply error that is not about connectivity is a bug worth seeing (once per message).
      this.loggedReplyErrors.add(message);
      log().error({ err: { message } }, "unexpected redis reply error");
    }
    return new FlareError("unavailable", undefined, { cause: e });
  }
}

/** Errors Redis itself answered (as opposed to connection / timeout errors raised by ioredis). */
function isReplyError(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const name = e.constructor?.name ?? e.name;
  if (!/ReplyError|SimpleError|BlobError/.test(name)) return false;
  // Redis answers these while it is starting, failing over or out of memory: not bugs.
  return !/^(LOADING|BUSY|MASTERDOWN|READONLY|TRYAGAIN|CLUSTERDOWN|OOM|NOSCRIPT)\b/.test(e.message);
}
