import { log } from "./log";

/**
 * A warning that may come once per request during an outage (every join refused while Redis is
 * down): the first is logged at once, later ones at most once per `everyMs`, each saying how many
 * were left out since the last line.
 */
export class SampledWarning {
  private lastAt = -Infinity;
  private suppressed = 0;

  constructor(
    private readonly message: string,
    private readonly everyMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  note(fields: Record<string, unknown>): void {
    const at = this.now();
    if (at - this.lastAt < this.everyMs) {
      this.suppressed++;
      return;
    }
    log().warn({ ...fields, suppressed: this.suppressed }, this.message);
    this.lastAt = at;
    this.suppressed = 0;
  }
}
