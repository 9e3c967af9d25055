import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Histogram, Registry } from "prom-client";
import { LightHistogram } from "../../../lib/observability/histogram";

const buckets = [0.001, 0.01, 0.1, 1];
/** Exact bounds, values between them, beyond the last one, zero and a negative. */
const values = [0, 0.001, 0.0005, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 2, 1000, -1];

describe("LightHistogram", () => {
  it("exposes what prom-client's Histogram exposes for the same observations, labelled", async () => {
    const theirs = new Registry();
    const ours = new Registry();
    const reference = new Histogram({
      name: "h",
      help: "latency",
      labelNames: ["command"],
      buckets,
      registers: [theirs],
    });
    const light = new LightHistogram({ name: "h", help: "latency", labelName: "command", buckets, registers: [ours] });
    values.forEach((v, i) => {
      const command = i % 3 === 0 ? "get" : "evalsha";
      reference.observe({ command }, v);
      light.labels(command).observe(v);
    });
    assert.equal(await ours.metrics(), await theirs.metrics());
  });

  it("exposes what prom-client's Histogram exposes, unlabelled, and nothing before the first observation", async () => {
    const theirs = new Registry();
    const ours = new Registry();
    const reference = new Histogram({ name: "lag", help: "reader lag", buckets, registers: [theirs] });
    const light = new LightHistogram({ name: "lag", help: "reader lag", buckets, registers: [ours] });
    assert.equal(await ours.metrics(), "# HELP lag reader lag\n# TYPE lag histogram\n");
    for (const v of values) {
      reference.observe(v);
      light.observe(v);
    }
    assert.equal(await ours.metrics(), await theirs.metrics());
  });

  it("reset empties every series", async () => {
    const registry = new Registry();
    const light = new LightHistogram({ name: "r", help: "r", labelName: "c", buckets, registers: [registry] });
    light.labels("a").observe(0.5);
    registry.resetMetrics();
    assert.equal(await registry.metrics(), "# HELP r r\n# TYPE r histogram\n");
  });
});
