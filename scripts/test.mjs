#!/usr/bin/env node
// `npm test`: lint, format check, type-check, build the production bundle the integration tests serve, then run every
// test file with node's test runner (TypeScript through tsx).
//   npm test                      everything
//   npm test -- tests/unit        only the files under the given paths
//   FLARE_SKIP_BUILD=1 npm test   reuse the existing .next build
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
process.chdir(root);
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };

function run(cmd, args) {
  const started = Date.now();
  const r = spawnSync(cmd, args, { stdio: "inherit", env });
  console.log(
    `\n[test] ${cmd} ${args.join(" ")} -> exit ${r.status} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
  if (r.status !== 0) process.exit(r.status ?? 1);
}

function testFiles(dir) {
  if (!existsSync(dir)) return [];
  if (statSync(dir).isFile()) return [dir];
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? testFiles(path.join(dir, e.name)) : e.name.endsWith(".test.ts") ? [path.join(dir, e.name)] : [],
    )
    .sort();
}

const targets = process.argv.slice(2);
const files = (
  targets.length ? targets : ["tests/unit", "tests/build", "tests/integration", "tests/e2e", "tests/chaos"]
).flatMap(testFiles);
// tests/build runs `vercel build` on its own copy of the tree, so it needs no build of this one.
const selfContained = [path.join("tests", "unit"), path.join("tests", "build")];
const needsBuild = files.some((f) => !selfContained.some((dir) => f.startsWith(dir)));

run(process.execPath, [path.join("node_modules", "eslint", "bin", "eslint.js"), "."]);
run(process.execPath, [
  path.join("node_modules", "prettier", "bin", "prettier.cjs"),
  "--check",
  "--log-level=warn",
  ".",
]);
run(process.execPath, [path.join("node_modules", "typescript", "bin", "tsc"), "--noEmit", "-p", "."]);
if (needsBuild && process.env.FLARE_SKIP_BUILD !== "1") {
  run(process.execPath, [path.join("node_modules", "next", "dist", "bin", "next"), "build"]);
  run(process.execPath, [path.join("scripts", "build-server.mjs")]);
}
run(process.execPath, [
  "--import",
  "tsx",
  "--test",
  "--test-reporter=spec",
  "--test-concurrency=1",
  "--test-timeout=180000",
  ...files,
]);
