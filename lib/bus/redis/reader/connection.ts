import type Redis from "ioredis";
import { createReaderClient } from "../../../redis/client";

/** A read that was in flight when the reader connection closed: it will never be answered. */
export class ReaderLost extends Error {
  constructor() {
    super("reader connection lost");
  }
}

/** CLIENT UNBLOCK answers 0 while the XREAD has not reached Redis yet: retry this often, this many times. */
const UNBLOCK_RETRY_MS = 5;
const UNBLOCK_TRIES = 100;

/**
 * The reader's own connection, duplicated from the command client: which incarnation it is in
 * (`generation`, bumped on every `ready`), its CLIENT ID (for CLIENT UNBLOCK), and a guard that
 * abandons commands in flight when it closes.
 */
export class ReaderConnection {
  readonly client: Redis;
  generation = 0;
  private clientId: number | undefined;
  private idGeneration = -1;
  /** Aborted when the connection closes; renewed for the next incarnation. */
  private life = new AbortController();

  constructor(
    /** The command connection: sends CLIENT UNBLOCK, and is what the reader's client is duplicated from. */
    private readonly command: Redis,
    name: string,
  ) {
    this.client = createReaderClient(command, name);
    this.client.on("ready", () => {
      this.generation++;
    });
    this.client.on("close", () => {
      this.clientId = undefined;
      this.life.abort(new ReaderLost());
      this.life = new AbortController();
    });
  }

  get ready(): boolean {
    return this.client.status === "ready";
  }

  /** Settles with `command`, or rejects with ReaderLost if the connection closes first. */
  guard<T>(command: Promise<T>): Promise<T> {
    const signal = this.life.signal;
    return new Promise<T>((resolve, reject) => {
      const lost = () => reject(new ReaderLost());
      signal.addEventListener("abort", lost, { once: true });
      command.then(resolve, reject).finally(() => signal.removeEventListener("abort", lost));
    });
  }

  /** This incarnation's CLIENT ID, asked once per reconnect. */
  async id(): Promise<number> {
    if (this.clientId === undefined || this.idGeneration !== this.generation) {
      const generation = this.generation;
      this.clientId = Number(await this.guard(this.client.call("CLIENT", "ID")));
      this.idGeneration = generation;
    }
    return this.clientId;
  }

  /** Ends the blocked read now, through the command connection, while `stillBlocked()` holds. */
  unblock(stillBlocked: () => boolean): void {
    const attempt = (n: number) => {
      const id = this.clientId;
      if (!stillBlocked() || id === undefined) return;
      this.command.call("CLIENT", "UNBLOCK", id).then(
        (unblocked) => {
          if (unblocked !== 1 && stillBlocked() && n < UNBLOCK_TRIES)
            setTimeout(() => attempt(n + 1), UNBLOCK_RETRY_MS).unref();
        },
        () => {
          // The command connection is down; the read ends by its own timeout.
        },
      );
    };
    attempt(0);
  }

  disconnect(): void {
    this.client.disconnect();
  }
}
