/** A room's end at its expiry on this instance: one timer, armed once, dropped when nobody is left. */
export class ExpiryTimer {
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly onExpire: () => void) {}

  /** Arms the timer for `expiresAt` (epoch ms) unless it is already armed. */
  at(expiresAt: number): void {
    if (this.timer) return;
    this.timer = setTimeout(this.onExpire, Math.max(0, expiresAt - Date.now()));
    this.timer.unref();
  }

  clear(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
