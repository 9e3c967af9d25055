import { z } from "zod";
import { JOIN_TIMEOUT_MS, PONG_TIMEOUT_MS, SERVER_PING_INTERVAL_MS } from "./protocol/limits";

/**
 * Configuration, read and validated once per process. Every variable is documented in
 * `.env.example`; nothing else in the code reads `process.env` for Flare settings.
 */
const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOSTNAME: z.string().default("0.0.0.0"),
  REDIS_URL: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v : undefined)),
  /** Comma-separated origins allowed to open a WebSocket; empty means "the request's own host". */
  ALLOWED_ORIGINS: z
    .string()
    .optional()
    .transform((v) =>
      (v ?? "")
        .split(",")
        .map((s) => s.trim().replace(/\/+$/, ""))
        .filter(Boolean),
    ),
  /** Prefix of this instance's id in logs and /api/health (a random suffix keeps ids unique). */
  INSTANCE_ID: z.string().trim().min(1).max(64).optional(),
  /** How long an instance may miss its liveness beat before a survivor sweeps its users from presence. */
  PRESENCE_TTL_MS: z.coerce.number().int().min(1000).default(30_000),
  /** A clientId's "left" message waits this long for a reconnect (contract: within 5 s). */
  LEAVE_GRACE_MS: z.coerce.number().int().min(0).max(5000).default(2000),
  /**
   * Close every WebSocket with 1001 this many seconds after it opened, as Vercel does when a
   * function reaches its maxDuration. Unset: never. For rehearsing reconnects locally.
   */
  MAX_SOCKET_SECONDS: z.coerce.number().int().min(1).optional(),
  /**
   * Reverse proxies in front of this server that append the client to X-Forwarded-For (0: none,
   * the socket's peer is the client and X-Forwarded-For is ignored). See lib/server/client-address.ts.
   */
  TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  /** Comma-separated client addresses no per-address limit applies to (tests, benches). */
  RATE_LIMIT_EXEMPT: z
    .string()
    .optional()
    .transform((v) =>
      (v ?? "")
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  /** Concurrent WebSockets per client address on one instance; past it the upgrade gets 429. */
  LIMIT_SOCKETS_PER_ADDRESS: z.coerce.number().int().min(1).default(100),
  /** WebSocket joins per client address per minute (shared by all instances with Redis). */
  LIMIT_JOINS_PER_MINUTE: z.coerce.number().int().min(1).default(30),
  /** Private rooms created per client address per hour (shared with Redis). */
  LIMIT_ROOMS_PER_HOUR: z.coerce.number().int().min(1).default(30),
  /** HTTP message posts per client address and room per minute (shared with Redis). */
  LIMIT_POSTS_PER_MINUTE: z.coerce.number().int().min(1).default(120),
  /** Seat claims (POST /api/rooms/:id/join) per client address per minute (shared with Redis). */
  LIMIT_SEAT_CLAIMS_PER_MINUTE: z.coerce.number().int().min(1).default(30),
  /** Concurrent SSE streams per client address on one instance. */
  LIMIT_SSE_STREAMS_PER_ADDRESS: z.coerce.number().int().min(1).default(20),
  /**
   * `on`: a full GC when the process goes quiet after making garbage, so RSS follows the live heap
   * after bursts (lib/server/idle-gc.ts; `npm start` and `npm run dev` only).
   */
  IDLE_GC: z.enum(["on", "off"]).default("on"),
  /** pino level: fatal, error, warn, info, debug, trace or silent. */
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** `auto`: pretty lines in development, JSON lines in production. */
  LOG_FORMAT: z.enum(["auto", "json", "pretty"]).default("auto"),
  /** When set, GET /api/metrics requires `Authorization: Bearer <METRICS_TOKEN>`. */
  METRICS_TOKEN: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v : undefined)),
  /**
   * Enables POST /api/realtime/emit for `Authorization: Bearer <REALTIME_EMIT_TOKEN>` (at least 16
   * characters). Unset: that route answers 404.
   */
  REALTIME_EMIT_TOKEN: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v : undefined))
    .pipe(z.string().min(16, "REALTIME_EMIT_TOKEN must be at least 16 characters").optional()),
  /** The server pings every WebSocket this often (contract: at least every 30 s). */
  PING_INTERVAL_MS: z.coerce.number().int().min(100).max(SERVER_PING_INTERVAL_MS).default(SERVER_PING_INTERVAL_MS),
  /** A WebSocket that has not answered a ping for this long is dropped (contract: 60 s). */
  PONG_TIMEOUT_MS: z.coerce.number().int().min(100).max(PONG_TIMEOUT_MS).default(PONG_TIMEOUT_MS),
  /** A WebSocket that joined nothing this long after it opened is closed with 4002 (contract: 10 s). */
  JOIN_TIMEOUT_MS: z.coerce.number().int().min(100).max(JOIN_TIMEOUT_MS).default(JOIN_TIMEOUT_MS),
  /** An idle Server-Sent Events stream sends a `: ping` comment this often, so proxies keep it open. */
  SSE_PING_MS: z.coerce.number().int().min(10).default(15_000),
  /** Set by the Vercel platform on every deployment (never set it yourself). */
  VERCEL: z.string().optional(),
});

export type Env = z.infer<typeof schema>;

let cached: Env | undefined;

export function env(): Env {
  if (!cached) {
    const parsed = schema.safeParse(process.env);
    if (!parsed.success) {
      throw new Error(`Invalid environment: ${z.prettifyError(parsed.error)}`);
    }
    cached = parsed.data;
  }
  return cached;
}

/**
 * Why this deployment cannot serve, if it cannot. On Vercel the routes run in many function
 * instances that share nothing but Redis: without REDIS_URL a room created by one instance is
 * unknown to the next, so every route refuses with this explanation instead of failing oddly.
 */
export function deploymentProblem(config: Env = env()): string | undefined {
  if (config.VERCEL && !config.REDIS_URL) {
    return "Flare on Vercel needs Redis: add one to the project (for example from the Vercel Marketplace) so that REDIS_URL is set, then redeploy.";
  }
  return undefined;
}
