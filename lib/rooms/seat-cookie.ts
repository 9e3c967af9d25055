/**
 * Seat cookies: one per private room, `flare_seat_<roomId>`, holding a random token. The token
 * proves this browser holds a seat; only its hash is stored server-side.
 */
export const SEAT_COOKIE_PREFIX = "flare_seat_";

export function seatCookieName(roomId: string): string {
  return `${SEAT_COOKIE_PREFIX}${roomId}`;
}

/** Seat tokens by room id, from a Cookie header. */
export function seatTokens(cookieHeader: string | null): Map<string, string> {
  const seats = new Map<string, string>();
  if (!cookieHeader) return seats;
  for (const part of cookieHeader.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (!name.startsWith(SEAT_COOKIE_PREFIX)) continue;
    const value = part.slice(eq + 1).trim();
    if (value) seats.set(name.slice(SEAT_COOKIE_PREFIX.length), decodeURIComponent(value));
  }
  return seats;
}
