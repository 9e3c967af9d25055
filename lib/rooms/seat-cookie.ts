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
    // Tokens are base64url: anything else is not a seat token of ours.
    if (/^[A-Za-z0-9_-]{16,128}$/.test(value)) seats.set(name.slice(SEAT_COOKIE_PREFIX.length), value);
  }
  return seats;
}

/**
 * The seat cookie: HttpOnly, SameSite=Lax, Path=/, Secure over HTTPS, living no longer than the
 * room.
 */
export function seatCookie(roomId: string, token: string, expiresAt: number, secure: boolean): string {
  const maxAge = Math.max(0, Math.floor((expiresAt - Date.now()) / 1000));
  return [
    `${seatCookieName(roomId)}=${token}`,
    `Max-Age=${maxAge}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Lax",
    ...(secure ? ["Secure"] : []),
  ].join("; ");
}
