/**
 * "X is typing…": who else in the room is typing and until when, and the throttle on this tab's
 * own typing frames. The list functions return the same list when nothing changed.
 */

/** How long "X is typing…" lasts after their last typing frame. */
export const TYPING_TTL_MS = 3000;

export type TypingUser = {
  clientId: string;
  name: string;
  /** When the indicator lapses unless another typing frame comes. */
  until: number;
};

export type Typers = readonly TypingUser[];

/** Drops everyone whose indicator lapsed by `now`. */
export function expireTypers(typers: Typers, now: number): Typers {
  const live = typers.filter((t) => t.until > now);
  return live.length === typers.length ? typers : live;
}

/** A typing frame from `typer`: shown (or kept in its place) until `typer.until`. */
export function typerSeen(typers: Typers, typer: TypingUser): Typers {
  const at = typers.findIndex((t) => t.clientId === typer.clientId);
  if (at === -1) return [...typers, typer];
  return typers.map((t, i) => (i === at ? typer : t));
}

/** Their message arrived: they stopped typing. */
export function typerGone(typers: Typers, clientId: string): Typers {
  const rest = typers.filter((t) => t.clientId !== clientId);
  return rest.length === typers.length ? typers : rest;
}

/** When the next indicator lapses, if any is shown. */
export function nextTypingExpiry(typers: Typers): number | undefined {
  let next: number | undefined;
  for (const t of typers) if (next === undefined || t.until < next) next = t.until;
  return next;
}

/** Lets at most one typing frame through per `intervalMs`. */
export class TypingThrottle {
  private lastSent = -Infinity;

  constructor(private readonly intervalMs: number) {}

  /** True when a frame may go now (and counts it as sent). */
  take(now: number): boolean {
    if (now - this.lastSent < this.intervalMs) return false;
    this.lastSent = now;
    return true;
  }
}
