import { z } from "zod";

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
  /** How long a crashed instance's connections stay in presence (heartbeats refresh it). */
  PRESENCE_TTL_MS: z.coerce.number().int().min(1000).default(30_000),
  /** A clientId's "left" message waits this long for a reconnect (contract: within 5 s). */
  LEAVE_GRACE_MS: z.coerce.number().int().min(0).max(5000).default(2000),
  /**
   * Close every WebSocket with 1001 this many seconds after it opened, as Vercel does when a
   * function reaches its maxDuration. Unset: never. For rehearsing reconnects locally.
   */
  MAX_SOCKET_SECONDS: z.coerce.number().int().min(1).optional(),
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
