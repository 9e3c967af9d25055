import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import path from "node:path";
import { describe, it } from "node:test";
import { promisify } from "node:util";
import { z } from "zod";
import { worthCollecting } from "../../../lib/server/idle-gc";

const run = promisify(execFile);
const FIXTURE = path.join(import.meta.dirname, "fixtures", "burst-then-idle.ts");
const report = z.object({ afterBurst: z.number(), afterIdle: z.number(), live: z.number() });

async function burstThenIdle(idleGc: "on" | "off"): Promise<z.infer<typeof report>> {
  const { stdout } = await run(process.execPath, ["--import", "tsx", FIXTURE, idleGc]);
  // The fixture's last line; the idle GC logs its own line before it.
  return report.parse(JSON.parse(stdout.trim().split("\n").at(-1) ?? ""));
}

const MB = 1024 * 1024;

describe("worthCollecting", () => {
  const after = { oldUsed: 40 * MB, empty: 3 * MB };
  const never = Infinity;

  it("collects once the old generation grew by a quarter, at least 32 MB", () => {
    assert.equal(worthCollecting(after, { oldUsed: 71 * MB, empty: 3 * MB }, never), undefined);
    assert.equal(worthCollecting(after, { oldUsed: 72 * MB, empty: 3 * MB }, never), "grown");
    const big = { oldUsed: 400 * MB, empty: 3 * MB };
    assert.equal(worthCollecting(big, { oldUsed: 499 * MB, empty: 3 * MB }, never), undefined);
    assert.equal(worthCollecting(big, { oldUsed: 500 * MB, empty: 3 * MB }, 0), "grown");
  });

  it("collects once the heap holds 32 MB more empty pages, the garbage itself gone (a lobby join storm)", () => {
    // Read off instances after 2000 sockets each joined the lobby: 35–42 MB of empty pages (idle GC log).
    assert.equal(worthCollecting(after, { oldUsed: 41 * MB, empty: 34 * MB }, never), undefined);
    assert.equal(worthCollecting(after, { oldUsed: 41 * MB, empty: 35 * MB }, never), "emptied");
  });

  it("collects for empty pages at most once in 10 minutes (a young generation growing back under light load)", () => {
    const emptied = { oldUsed: 41 * MB, empty: 40 * MB };
    assert.equal(worthCollecting(after, emptied, 9 * 60_000), undefined);
    assert.equal(worthCollecting(after, emptied, 10 * 60_000), "emptied");
  });
});

describe("startIdleGc", () => {
  it("gives a burst's garbage back to the OS once the process idles; without it RSS stays", async () => {
    const [on, off] = await Promise.all([burstThenIdle("on"), burstThenIdle("off")]);
    // Measured: ~340 MB after the burst either way; ~130 MB after idling with the idle GC, unchanged without.
    assert.ok(on.afterIdle < on.afterBurst * 0.6, `idle GC on: ${on.afterBurst} MB -> ${on.afterIdle} MB`);
    assert.ok(off.afterIdle > off.afterBurst * 0.8, `idle GC off: ${off.afterBurst} MB -> ${off.afterIdle} MB`);
  });
});
