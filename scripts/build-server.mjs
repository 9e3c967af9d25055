#!/usr/bin/env node
// Bundles server.ts (and the lib/ and app/api/ws code it imports) into .next/flare-server.mjs, the
// file `npm start` runs. Production then runs plain JavaScript: under tsx every dynamic import()
// (experimental_upgradeWebSocket imports "ws" on each upgrade) crossed tsx's loader thread, which
// cost milliseconds of CPU per connection and ~90 MB of resident memory for the transpiler.
// Packages stay external (one copy in node_modules, shared with the Next bundle).
import { build } from "esbuild";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");

await build({
  absWorkingDir: root,
  entryPoints: ["server.ts"],
  outfile: ".next/flare-server.mjs",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  // Next has no "exports" map: an ES module must name these files with their extension.
  alias: { "next/server": "next/server.js", "next/navigation": "next/navigation.js" },
  sourcemap: "linked",
  logLevel: "warning",
});
