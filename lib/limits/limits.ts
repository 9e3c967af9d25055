import type { RedisClient } from "../redis/client";
import type { Env } from "../env";
import { log } from "../observability/log";
import { metrics } from "../observability/metrics";
import { FlareError } from "../protocol";
import { Commands } from "../redis/commands";
import { normalizeAddress } from "../server/client-address";
import { Budget } from "./budget";
import { ConcurrencyLimit, type Release } from "./concurrency";

/** Budgets per client address over time; with RedisClient, shared by every instance. */
export type BudgetName = "joins" | "rooms" | "posts" | "seatClaims";
/** Slots per client address held at once on this instance. */
export type SlotName = "sockets" | "sseStreams";

export type LimitsConfig = Pick<
  Env,
  | "RATE_LIMIT_EXEMPT"
  | "LIMIT_SOCKETS_PER_ADDRESS"
  | "LIMIT_JOINS_PER_MINUTE"
  | "LIMIT_ROOMS_PER_HOUR"
  | "LIMIT_POSTS_PER_MINUTE"
  | "LIMIT_SEAT_CLAIMS_PER_MINUTE"
  | "LIMIT_SSE_STREAMS_PER_ADDRESS"
>;

const MESSAGES: Record<BudgetName | SlotName, string> = {
  joins: "Too many joins from your address. Wait a minute and try again.",
  rooms: "Too many rooms created from your address. Try again later.",
  posts: "You are sending too fast. Wait a moment and try again.",
  seatClaims: "Too many seat claims from your address. Wait a minute and try again.",
  sockets: "Too many open connections from your address.",
  sseStreams: "Too many open event streams from your address.",
};

const NO_OP: Release = () => {};

/** A refused address is logged once per limit per this long: a flood must not flood the logs too. */
const REFUSAL_LOG_WINDOW_MS = 60_000;

/**
 * Every per-address limit of one instance (lib/instance.ts builds it). Keyed on
 * `clientAddress()` (lib/server/client-address.ts); addresses in RATE_LIMIT_EXEMPT skip them all.
 * Separate from the per-socket token bucket (lib/hub/rate-limit.ts), which stays as it is.
 */
export class Limits {
  private readonly exempt: ReadonlySet<string>;
  private readonly budgets: Record<BudgetName, Budget>;
  private readonly slots: Record<SlotName, ConcurrencyLimit>;
  private loggedRefusals = new Set<string>();
  private loggedSince = Date.now();

  constructor(config: LimitsConfig, redis: RedisClient | null) {
    this.exempt = new Set(config.RATE_LIMIT_EXEMPT.map(normalizeAddress));
    const commands = redis ? new Commands(redis, "limits") : null;
    const perMinute = (name: string, points: number) => new Budget({ name, points, windowSeconds: 60 }, commands);
    this.budgets = {
      joins: perMinute("joins", config.LIMIT_JOINS_PER_MINUTE),
      rooms: new Budget({ name: "rooms", points: config.LIMIT_ROOMS_PER_HOUR, windowSeconds: 3600 }, commands),
      posts: perMinute("posts", config.LIMIT_POSTS_PER_MINUTE),
      seatClaims: perMinute("seat-claims", config.LIMIT_SEAT_CLAIMS_PER_MINUTE),
    };
    this.slots = {
      sockets: new ConcurrencyLimit(config.LIMIT_SOCKETS_PER_ADDRESS),
      sseStreams: new ConcurrencyLimit(config.LIMIT_SSE_STREAMS_PER_ADDRESS),
    };
  }

  isExempt(address: string): boolean {
    return this.exempt.has(address);
  }

  /**
   * Takes one from `address`'s budget (`scope` narrows it, e.g. to a room); false when spent.
   * Exempt addresses cost nothing, not even a Redis round trip.
   */
  async allows(name: BudgetName, address: string, scope?: string): Promise<boolean> {
    if (this.isExempt(address)) return true;
    const allowed = await this.budgets[name].take(scope === undefined ? address : `${address} ${scope}`);
    if (!allowed) this.refused(name, address);
    return allowed;
  }

  /** As `allows`, for HTTP routes: throws 429 `rate_limited` when spent. */
  async take(name: BudgetName, address: string, scope?: string): Promise<void> {
    if (!(await this.allows(name, address, scope))) throw new FlareError("rate_limited", MESSAGES[name]);
  }

  /** A slot of `address` (release it when the socket or stream ends); throws 429 when all are held. */
  hold(name: SlotName, address: string): Release {
    if (this.isExempt(address)) return NO_OP;
    const release = this.slots[name].acquire(address);
    if (!release) {
      this.refused(name, address);
      throw new FlareError("rate_limited", MESSAGES[name]);
    }
    return release;
  }

  private refused(name: BudgetName | SlotName, address: string): void {
    metrics().refusals.inc({ limit: name });
    const now = Date.now();
    if (now - this.loggedSince > REFUSAL_LOG_WINDOW_MS) {
      this.loggedRefusals = new Set();
      this.loggedSince = now;
    }
    const key = `${name} ${address}`;
    if (this.loggedRefusals.has(key)) return;
    this.loggedRefusals.add(key);
    log().warn({ limit: name, address }, "refused by a per-address limit (logged once a minute per address)");
  }

  /** The message a refusal of `name` carries (the WebSocket join answers with it). */
  static message(name: BudgetName | SlotName): string {
    return MESSAGES[name];
  }
}
