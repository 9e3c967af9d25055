import { createHash, timingSafeEqual } from "node:crypto";

/**
 * Whether an Authorization header is `Bearer <token>`, in constant time: both sides are hashed
 * first, so neither the token's content nor its length shows in the timing.
 */
export function bearerMatches(header: string | null, token: string): boolean {
  const given = header?.startsWith("Bearer ") ? header.slice(7) : "";
  return timingSafeEqual(digest(given), digest(token)) && given.length > 0;
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}
