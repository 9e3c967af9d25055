import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import path from "node:path";
import { describe, it } from "node:test";
import { promisify } from "node:util";
import { z } from "zod";

const run = promisify(execFile);
const FIXTURE = path.join(import.meta.dirname, "fixtures", "burst-then-idle.ts");
const report = z.object({ afterBurst: z.number(), afterIdle: z.number(), live: z.number() });

async function burstThenIdle(idleGc: "on" | "off"): Promise<z.infer<typeof report>> {
  const { stdout } = await run(process.execPath, ["--import", "tsx", FIXTURE, idleGc]);
  // The fixture's last line; the idle GC logs its own line before it.
  return report.parse(JSON.parse(stdout.trim().split("\n").at(-1) ?? ""));
}

describe("startIdleGc", () => {
  it("gives a burst's garbage back to the OS once the process idles; without it RSS stays", async () => {
    const [on, off] = await Promise.all([burstThenIdle("on"), burstThenIdle("off")]);
    // Measured: ~340 MB after the burst either way; ~130 MB after idling with the idle GC, unchanged without.
    assert.ok(on.afterIdle < on.afterBurst * 0.6, `idle GC on: ${on.afterBurst} MB -> ${on.afterIdle} MB`);
    assert.ok(off.afterIdle > off.afterBurst * 0.8, `idle GC off: ${off.afterBurst} MB -> ${off.afterIdle} MB`);
  });
});
