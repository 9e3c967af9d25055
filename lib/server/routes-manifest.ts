import fs from "node:fs";
import path from "node:path";
import { z } from "zod";

const has = z.array(
  z.union([
    z.object({ type: z.enum(["header", "cookie", "query"]), key: z.string(), value: z.string().optional() }),
    z.object({ type: z.literal("host"), key: z.undefined().optional(), value: z.string() }),
  ]),
);

const routesManifest = z.object({
  basePath: z.string(),
  caseSensitive: z.boolean().optional(),
  i18n: z.unknown().optional(),
  redirects: z.array(z.object({ internal: z.boolean().optional() })),
  headers: z.array(
    z.object({
      source: z.string(),
      internal: z.boolean().optional(),
      headers: z.array(z.object({ key: z.string(), value: z.string() })),
      has: has.optional(),
      missing: has.optional(),
    }),
  ),
  rewrites: z.union([
    z.array(z.unknown()),
    z.object({ beforeFiles: z.array(z.unknown()), afterFiles: z.array(z.unknown()), fallback: z.array(z.unknown()) }),
  ]),
});

export type RoutesManifest = z.infer<typeof routesManifest>;

const matchers = z.array(z.object({ regexp: z.string() }));
const functionsConfig = z.object({ functions: z.record(z.string(), z.object({ matchers: matchers.optional() })) });
const middlewareManifest = z.object({ middleware: z.record(z.string(), z.object({ matchers: matchers.optional() })) });

/** The build's routes manifest (.next/routes-manifest.json), or undefined where there is none (dev). */
export function readRoutesManifest(distDir: string): RoutesManifest | undefined {
  const json = readJson(path.join(distDir, "routes-manifest.json"));
  return json === undefined ? undefined : routesManifest.parse(json);
}

/**
 * Why Next's router could do more for a request than find its route and add the config headers,
 * or undefined: a base path, locales, rewrites (interception routes are rewrites too) or
 * redirects of the app's own.
 */
export function routingBeyondHeaders(manifest: RoutesManifest): string | undefined {
  if (manifest.basePath) return "basePath";
  if (manifest.i18n) return "i18n";
  const rewrites = Array.isArray(manifest.rewrites)
    ? manifest.rewrites
    : [...manifest.rewrites.beforeFiles, ...manifest.rewrites.afterFiles, ...manifest.rewrites.fallback];
  if (rewrites.length > 0) return "rewrites";
  if (manifest.redirects.some((r) => !r.internal)) return "redirects";
  return undefined;
}

/** The path patterns the build's proxy (middleware) runs on, Node and Edge runtimes alike. */
export function proxyMatchers(distDir: string): RegExp[] {
  const found: RegExp[] = [];
  const fromFunctions = readJson(path.join(distDir, "server", "functions-config-manifest.json"));
  if (fromFunctions !== undefined) {
    // Other entries configure route functions; a proxy without a matcher runs on every path.
    const proxy = functionsConfig.parse(fromFunctions).functions["/_middleware"];
    if (proxy) for (const m of proxy.matchers ?? [{ regexp: "" }]) found.push(new RegExp(m.regexp));
  }
  const fromMiddleware = readJson(path.join(distDir, "server", "middleware-manifest.json"));
  if (fromMiddleware !== undefined) {
    for (const fn of Object.values(middlewareManifest.parse(fromMiddleware).middleware))
      for (const m of fn.matchers ?? []) found.push(new RegExp(m.regexp));
  }
  return found;
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  return JSON.parse(text) as unknown;
}
