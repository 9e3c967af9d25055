import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";
import { z } from "zod";
import type { JoinSpec } from "./client";

const joinReply = z.object({
  joined: z.number(),
  skipped: z.number(),
  failures: z.record(z.string(), z.number()),
});
const countsReply = z.object({
  held: z.number(),
  frames: z.number(),
  closedByServer: z.record(z.string(), z.number()),
});
const envelope = z.object({ id: z.number().optional(), error: z.string().optional() }).loose();

export type HolderJoin = z.infer<typeof joinReply>;
export type HolderCounts = z.infer<typeof countsReply>;

/**
 * A child process holding idle joined sockets (bench/idle-holder.ts): asked to join, to count
 * what its sockets received, and to close them. One request at a time per holder is all the bench needs,
 * but replies are matched by id anyway.
 */
export class IdleHolder {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();

  private constructor(private readonly child: ChildProcess) {
    child.on("message", (m) => {
      const reply = envelope.safeParse(m);
      if (!reply.success || reply.data.id === undefined) return;
      const waiter = this.pending.get(reply.data.id);
      this.pending.delete(reply.data.id);
      if (reply.data.error) waiter?.reject(new Error(`idle holder: ${reply.data.error}`));
      else waiter?.resolve(m);
    });
    child.once("exit", (code) => {
      for (const w of this.pending.values()) w.reject(new Error(`idle holder exited with ${code}`));
      this.pending.clear();
    });
  }

  /** Forks a holder with the bench's own loader (tsx), so it runs the TypeScript as is. */
  static start(): IdleHolder {
    return new IdleHolder(fork(path.join(__dirname, "idle-holder.ts"), [], { stdio: "inherit" }));
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Joins `specs`, `width` at a time; starts no join after `deadlineMs`. */
  async join(specs: JoinSpec[], width: number, deadlineMs: number): Promise<HolderJoin> {
    return joinReply.parse(await this.request({ type: "join", specs, width, deadlineMs }));
  }

  async counts(): Promise<HolderCounts> {
    return countsReply.parse(await this.request({ type: "counts" }));
  }

  /** Closes every held socket, then ends the process. */
  async close(): Promise<void> {
    if (this.child.exitCode !== null || !this.child.connected) return;
    await this.request({ type: "close" }).catch(() => {});
    this.child.disconnect();
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill("SIGKILL");
  }

  private request(body: object): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ id, ...body });
    });
  }
}
