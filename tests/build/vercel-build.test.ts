import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { z } from "zod";

/**
 * `vercel deploy` runs `vercel build` on Vercel's side; this runs the same build locally (no
 * account, no network calls to Vercel: a stub project.json stands in for `vercel link`) on a copy of
 * the working tree, and checks the Build Output API result the platform would deploy.
 */

const ROOT = path.resolve(import.meta.dirname, "../..");
const BUILD_TIMEOUT_MS = 240_000;
const MAX_DURATION = 300;
const STREAMING_ROUTES = ["api/ws", "api/rooms/[id]/events"];
const SELF_HOSTED_ONLY = ["server.ts", "flare-server.mjs"];
const STUB_PROJECT = { projectId: "prj_flare_test", orgId: "team_flare_test", settings: { framework: "nextjs" } };

const functionConfigSchema = z.object({
  runtime: z.string(),
  maxDuration: z.number().optional(),
  filePathMap: z.record(z.string(), z.string()).default({}),
});
const outputConfigSchema = z.object({
  routes: z.array(
    z.object({ middlewarePath: z.string().optional(), middlewareRawSrc: z.array(z.string()).optional() }),
  ),
});

let dir = "";
let output = "";

/** Tracked and untracked-but-not-ignored files, as they are on disk now. */
function copyWorkingTree(to: string): void {
  const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: ROOT })
    .toString()
    .split("\0")
    .filter((f) => f && existsSync(path.join(ROOT, f)));
  for (const f of files) {
    mkdirSync(path.dirname(path.join(to, f)), { recursive: true });
    copyFileSync(path.join(ROOT, f), path.join(to, f));
  }
}

/** Hard links (not a symlink: the bundler and the tracer resolve node_modules inside the project). */
function linkTree(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const e of readdirSync(from, { withFileTypes: true })) {
    const [src, dst] = [path.join(from, e.name), path.join(to, e.name)];
    if (e.isSymbolicLink()) symlinkSync(readlinkSync(src), dst);
    else if (e.isDirectory()) linkTree(src, dst);
    else linkSync(src, dst);
  }
}

function readJson<T>(file: string, schema: z.ZodType<T>): T {
  return schema.parse(JSON.parse(readFileSync(file, "utf8")));
}

function functionDir(route: string): string {
  return realpathSync(path.join(output, "functions", `${route}.func`));
}

function functionConfig(funcDir: string): z.infer<typeof functionConfigSchema> {
  return readJson(path.join(funcDir, ".vc-config.json"), functionConfigSchema);
}

/** Every path a function deploys: traced files (filePathMap) and the files written into its directory. */
function deployedPaths(funcDir: string): string[] {
  const { filePathMap } = functionConfig(funcDir);
  const written = readdirSync(funcDir, { recursive: true, encoding: "utf8" });
  return [...Object.keys(filePathMap), ...Object.values(filePathMap), ...written];
}

function allFunctionDirs(from: string): string[] {
  return readdirSync(from, { withFileTypes: true }).flatMap((e) => {
    if (e.isSymbolicLink()) return [];
    const p = path.join(from, e.name);
    if (e.name.endsWith(".func")) return [p];
    return e.isDirectory() ? allFunctionDirs(p) : [];
  });
}

function includesPackage(paths: string[], pkg: string): boolean {
  return paths.some((p) => p.startsWith(`node_modules/${pkg}/`));
}

describe("vercel build", { timeout: BUILD_TIMEOUT_MS + 30_000 }, () => {
  before(
    async () => {
      dir = mkdtempSync(path.join(tmpdir(), "flare-vercel-build-"));
      copyWorkingTree(dir);
      linkTree(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
      mkdirSync(path.join(dir, ".vercel"));
      writeFileSync(path.join(dir, ".vercel", "project.json"), JSON.stringify(STUB_PROJECT));
      const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", VERCEL_TELEMETRY_DISABLED: "1" };
      try {
        await promisify(execFile)("npx", ["--no", "vercel", "build", "--yes"], {
          cwd: dir,
          env,
          timeout: BUILD_TIMEOUT_MS,
          maxBuffer: 64 * 1024 * 1024,
        });
      } catch (e) {
        const { stdout = "", stderr = "" } = e as { stdout?: string; stderr?: string };
        assert.fail(`vercel build failed: ${String(e)}\n${stdout.slice(-4000)}\n${stderr.slice(-4000)}`);
      }
      output = path.join(dir, ".vercel", "output");
    },
    { timeout: BUILD_TIMEOUT_MS + 20_000 },
  );

  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const route of STREAMING_ROUTES) {
    it(`${route} is a Node.js function with maxDuration ${MAX_DURATION} that ships ws and ioredis`, () => {
      const config = functionConfig(functionDir(route));
      assert.equal(config.maxDuration, MAX_DURATION);
      assert.match(config.runtime, /^nodejs\d+\.x$/);
      const paths = deployedPaths(functionDir(route));
      assert.ok(paths.includes(`.next/server/app/${route}/route.js`), `${route}'s route module is not in its bundle`);
      assert.ok(includesPackage(paths, "ws"), `ws is not traced into ${route}`);
      assert.ok(includesPackage(paths, "ioredis"), `ioredis is not traced into ${route}`);
    });
  }

  it("proxy.ts runs as Node.js middleware on the pages (/ and /room/:id)", () => {
    const config = functionConfig(path.join(output, "functions", "_middleware.func"));
    assert.match(config.runtime, /^nodejs\d+\.x$/);
    const { routes } = readJson(path.join(output, "config.json"), outputConfigSchema);
    const middleware = routes.filter((r) => r.middlewarePath === "/_middleware");
    assert.deepEqual(
      middleware.flatMap((r) => r.middlewareRawSrc ?? []),
      ["/", "/room/:id"],
    );
  });

  it("no function ships server.ts or its bundle", () => {
    const funcs = allFunctionDirs(path.join(output, "functions"));
    assert.ok(funcs.length > STREAMING_ROUTES.length, `only ${funcs.length} functions found`);
    for (const func of funcs) {
      const shipped = deployedPaths(func).filter((p) => SELF_HOSTED_ONLY.includes(path.basename(p)));
      assert.deepEqual(shipped, [], `${path.relative(output, func)} ships ${shipped.join(", ")}`);
    }
  });
});
