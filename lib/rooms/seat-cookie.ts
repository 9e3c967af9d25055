/**
 * Seat cookies: one per private room, `flare_seat_<roomId>`, holding a random token. The token
 * proves this browser holds a seat; only its hash is stored server-side. Read through
 * `request.cookies` and written through `response.cookies` (Next's cookie stores).
 */
export const SEAT_COOKIE_PREFIX = "flare_seat_";

/** Tokens are base64url: anything else is not a seat token of ours. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{16,128}$/;

type CookieReader = { getAll(): { name: string; value: string }[] };
type CookieWriter = {
  set(name: string, value: string, options: ReturnType<typeof seatCookieOptions>): unknown;
};

export function seatCookieName(roomId: string): string {
  return `${SEAT_COOKIE_PREFIX}${roomId}`;
}

/** Seat tokens by room id. */
export function seatTokens(cookies: CookieReader): Map<string, string> {
  const seats = new Map<string, string>();
  for (const { name, value } of cookies.getAll()) {
    if (name.startsWith(SEAT_COOKIE_PREFIX) && TOKEN_PATTERN.test(value))
      seats.set(name.slice(SEAT_COOKIE_PREFIX.length), value);
  }
  return seats;
}

export function seatToken(cookies: CookieReader, roomId: string): string | undefined {
  return seatTokens(cookies).get(roomId);
}

/** HttpOnly, SameSite=Lax, Path=/, Secure over HTTPS, living no longer than the room. */
export function seatCookieOptions(expiresAt: number, secure: boolean, now = Date.now()) {
  return {
    httpOnly: true,
    // The contract spells it "Lax"; the serializer writes the value as given (browsers ignore case).
    sameSite: "Lax" as "lax",
    path: "/",
    maxAge: Math.max(0, Math.floor((expiresAt - now) / 1000)),
    secure,
  };
}

export function setSeatCookie(
  cookies: CookieWriter,
  room: { roomId: string; expiresAt: number },
  token: string,
  secure: boolean,
): void {
  cookies.set(seatCookieName(room.roomId), token, seatCookieOptions(room.expiresAt, secure));
}

/**
 * Seat cookies one browser keeps at most. Past ~200 rooms a day a browser sent ~16 KiB of them
 * with every request and servers answered 431 everywhere.
 */
export const MAX_SEAT_COOKIES = 20;

/** Expires the seat cookie of `roomId` (the room is gone, or the browser holds too many). */
export function clearSeatCookie(cookies: CookieWriter, roomId: string, secure = false): void {
  cookies.set(seatCookieName(roomId), "", { ...seatCookieOptions(0, secure), maxAge: 0 });
}

/**
 * Before a response gives the browser the seat cookie of `keepRoomId`: expires the seat cookies of
 * rooms that are `gone`, then its oldest other seat cookies so it holds at most MAX_SEAT_COOKIES.
 * Browsers send cookies of one path oldest first (RFC 6265 §5.4), so the first ones in the
 * request are the oldest.
 */
export function capSeatCookies(
  held: CookieReader,
  cookies: CookieWriter,
  keepRoomId: string,
  secure: boolean,
  { gone = [], max = MAX_SEAT_COOKIES }: { gone?: readonly string[]; max?: number } = {},
): void {
  const others = [...seatTokens(held).keys()].filter((id) => id !== keepRoomId);
  for (const roomId of gone) if (others.includes(roomId)) clearSeatCookie(cookies, roomId, secure);
  const kept = others.filter((id) => !gone.includes(id));
  const excess = kept.length + 1 - max;
  for (const roomId of kept.slice(0, Math.max(0, excess))) clearSeatCookie(cookies, roomId, secure);
}

/** The seat cookies a request holds besides `roomId`'s: the rooms to check before capSeatCookies. */
export function otherSeatRooms(held: CookieReader, roomId: string): string[] {
  return [...seatTokens(held).keys()].filter((id) => id !== roomId);
}
