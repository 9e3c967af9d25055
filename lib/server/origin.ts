import { env } from "../env";

/**
 * An upgrade whose Origin header is present must come from an allowed origin: those listed in
 * ALLOWED_ORIGINS, or by default the request's own host.
 */
export function isOriginAllowed(origin: string | null, host: string | null): boolean {
  if (origin === null) return true;
  const allowed = env().ALLOWED_ORIGINS;
  if (allowed.length > 0) return allowed.includes(origin.replace(/\/+$/, "")) || allowed.includes("*");
  if (!host) return false;
  try {
    return new URL(origin).host.toLowerCase() === host.toLowerCase();
  } catch {
    return false;
  }
}
