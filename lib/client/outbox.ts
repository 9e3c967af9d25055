/**
 * Messages this tab sent that the server has not confirmed yet. Each keeps the nonce it was first
 * sent with, so a resend after a reconnect is stored once (the server dedupes by nonce).
 */

export type OutboxStatus = "sending" | "sent" | "failed";

export type OutboxEntry = {
  nonce: string;
  text: string;
  createdAt: number;
  status: OutboxStatus;
  /** Id from the `ack`, once stored ("sent" until the message itself arrives). */
  id?: string;
  /** Why it failed, for a person to read ("failed" only). */
  error?: string;
  /** Do not resend before this time (rate limited / unavailable). */
  retryAt?: number;
  /** The connection generation it was last written to; resent on a newer one. */
  sentOn?: number;
};

export class Outbox {
  private entries: OutboxEntry[] = [];

  list(): readonly OutboxEntry[] {
    return this.entries;
  }

  get(nonce: string): OutboxEntry | undefined {
    return this.entries.find((e) => e.nonce === nonce);
  }

  add(entry: OutboxEntry): void {
    this.entries = [...this.entries, entry];
  }

  update(nonce: string, patch: Partial<OutboxEntry>): boolean {
    let found = false;
    this.entries = this.entries.map((e) => {
      if (e.nonce !== nonce) return e;
      found = true;
      return { ...e, ...patch };
    });
    return found;
  }

  remove(nonce: string): boolean {
    const before = this.entries.length;
    this.entries = this.entries.filter((e) => e.nonce !== nonce);
    return this.entries.length !== before;
  }

  /** Drops entries matching `predicate`; true when any went. */
  removeWhere(predicate: (e: OutboxEntry) => boolean): boolean {
    const before = this.entries.length;
    this.entries = this.entries.filter((e) => !predicate(e));
    return this.entries.length !== before;
  }

  /** Entries to (re)send now on connection `generation`, oldest first. */
  due(generation: number, now: number): OutboxEntry[] {
    return this.entries.filter(
      (e) => e.status === "sending" && e.sentOn !== generation && (e.retryAt === undefined || e.retryAt <= now),
    );
  }

  /** The earliest pending retry time, if any entry waits for one. */
  nextRetryAt(): number | undefined {
    let next: number | undefined;
    for (const e of this.entries) {
      if (e.status === "sending" && e.retryAt !== undefined && (next === undefined || e.retryAt < next))
        next = e.retryAt;
    }
    return next;
  }
}
