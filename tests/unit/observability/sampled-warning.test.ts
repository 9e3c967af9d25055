import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { afterEach, beforeEach, describe, it } from "node:test";
import pino from "pino";
import { z } from "zod";
import { SampledWarning } from "../../../lib/observability/sampled-warning";

const LOG_KEY = Symbol.for("flare.log");
const line = z.object({ msg: z.string(), suppressed: z.number(), room: z.string().optional() });

/** Routes lib/observability/log's logger into `lines` for the duration of a test. */
function captureLog(): { lines: z.infer<typeof line>[]; restore: () => void } {
  const g = globalThis as Record<symbol, unknown>;
  const previous = g[LOG_KEY];
  const lines: z.infer<typeof line>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(line.parse(JSON.parse(chunk.toString())));
      done();
    },
  });
  g[LOG_KEY] = pino({ level: "warn" }, sink);
  return { lines, restore: () => (g[LOG_KEY] = previous) };
}

describe("SampledWarning", () => {
  let capture: ReturnType<typeof captureLog>;
  beforeEach(() => (capture = captureLog()));
  afterEach(() => capture.restore());

  it("logs the first at once, then one line per window that counts what it left out", async () => {
    let now = 1_000;
    const warning = new SampledWarning("join refused as unavailable", 10_000, () => now);
    warning.note({ room: "a" });
    for (let i = 0; i < 5; i++) {
      now += 1_000;
      warning.note({ room: "b" });
    }
    now = 11_000;
    warning.note({ room: "c" });
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(
      capture.lines.map(({ msg, room, suppressed }) => ({ msg, room, suppressed })),
      [
        { msg: "join refused as unavailable", room: "a", suppressed: 0 },
        { msg: "join refused as unavailable", room: "c", suppressed: 5 },
      ],
    );
  });
});
