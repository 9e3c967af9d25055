import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { skipUnless } from "../helpers/skip";
import { runChaos } from "./run-chaos";

describe("chaos: 3 instances, random faults for 30 s", { skip: skipUnless("redis-server", "Redis") }, () => {
  it("loses, doubles and reorders nothing that was acked or stored", { timeout: 150_000 }, async () => {
    const seed = Date.now() % 1_000_000;
    const report = await runChaos({ seconds: 30, seed, log: (l) => console.log(l) });
    const why = `seed ${seed}: ${JSON.stringify(report, null, 1)}`;
    assert.ok(report.acked > 100, `too little got through to prove anything (${why})`);
    assert.ok(Object.keys(report.faults).length >= 2, `too few kinds of fault were injected (${why})`);
    assert.equal(report.unacked, 0, why);
    assert.equal(report.lost, 0, why);
    assert.equal(report.doubled, 0, why);
    assert.equal(report.misordered, 0, why);
    assert.equal(report.acked, report.sent, why);
  });
});
