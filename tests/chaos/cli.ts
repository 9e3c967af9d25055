// `npm run chaos [-- --seconds 60 --seed N]`: the chaos run against a production build (`npm run build` first),
// printing what was sent, acked, retried and delivered, and exiting 1 if anything was lost, doubled or misordered.
import { parseArgs } from "node:util";
import { runChaos } from "./run-chaos";

const { values } = parseArgs({
  options: { seconds: { type: "string", default: "60" }, seed: { type: "string" } },
});
const seed = values.seed ? Number(values.seed) : Date.now() % 1_000_000;
console.log(`chaos: seed ${seed} (repeat with --seed ${seed})`);
runChaos({ seconds: Number(values.seconds), seed, log: (l) => console.log(l) }).then(
  (report) => {
    const failed = report.lost + report.doubled + report.misordered + report.unacked > 0;
    console.log(failed ? "chaos: FAILED" : "chaos: passed (lost 0, doubled 0, misordered 0)");
    process.exit(failed ? 1 : 0);
  },
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
