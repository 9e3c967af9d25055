/**
 * Where clientId → token bindings live (v1.1 rule 1): Redis when REDIS_URL is set, so every
 * instance sees the same binding; this process's memory otherwise. Only token hashes are stored.
 */

/** `bound`: the clientId had no binding and now has this one; `matched`: the hash was its own; `taken`: another's. */
export type BindOutcome = "bound" | "matched" | "taken";

export interface ClientBindings {
  /**
   * Atomically: binds `clientId` to `tokenHash` when it has no live binding, otherwise compares the
   * hashes. Either way a binding that is (now) this hash lives `ttlMs` from now. One round trip.
   */
  bind(clientId: string, tokenHash: string, ttlMs: number): Promise<BindOutcome>;
}
