import type { BindOutcome, ClientBindings } from "./types";

/** Bindings of a single in-memory instance. */
export class MemoryBindings implements ClientBindings {
  /** Ordered by last use (a use re-inserts), so expired entries are always at the front. */
  private readonly bindings = new Map<string, { hash: string; expiresAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  async bind(clientId: string, tokenHash: string, ttlMs: number): Promise<BindOutcome> {
    const now = this.now();
    this.sweep(now);
    const existing = this.bindings.get(clientId);
    if (existing && existing.hash !== tokenHash) return "taken";
    this.bindings.delete(clientId);
    this.bindings.set(clientId, { hash: tokenHash, expiresAt: now + ttlMs });
    return existing ? "matched" : "bound";
  }

  /** Drops expired bindings from the front; amortised O(1) per call. */
  private sweep(now: number): void {
    for (const [clientId, binding] of this.bindings) {
      if (binding.expiresAt > now) return;
      this.bindings.delete(clientId);
    }
  }
}
