import type { IncomingMessage, ServerResponse } from "node:http";
import { modifyRouteRegex } from "next/dist/lib/redirect-status.js";
import { getPathMatch } from "next/dist/shared/lib/router/utils/path-match.js";
import { compileNonPath, matchHas } from "next/dist/shared/lib/router/utils/prepare-destination.js";
import type { RoutesManifest } from "./routes-manifest";

type Rule = RoutesManifest["headers"][number] & { match: ReturnType<typeof getPathMatch> };

/**
 * The response headers of next.config.ts `headers()` for requests that server.ts answers without
 * Next (lib/server/direct-routes.ts), applied the way Next's router applies them
 * (next/dist/server/lib/router-utils/resolve-routes.js): the build's rules in order, matched with
 * Next's own path and `has`/`missing` matchers, values compiled with the path's parameters, a
 * later rule overriding an earlier one's header and `Set-Cookie` accumulating.
 */
export class ConfigHeaders {
  private readonly rules: Rule[];

  constructor(manifest: RoutesManifest) {
    this.rules = manifest.headers.map((rule) => ({
      ...rule,
      // As Next's router builds them (buildCustomRoute in router-utils/filesystem.js).
      match: getPathMatch(rule.source, {
        strict: true,
        removeUnnamedParams: true,
        regexModifier: (regex) => (rule.internal ? regex : modifyRouteRegex(regex)),
        sensitive: manifest.caseSensitive,
      }),
    }));
  }

  apply(req: IncomingMessage, res: ServerResponse, pathname: string, query: Record<string, string>): void {
    const out: Record<string, string | string[]> = {};
    for (const rule of this.rules) {
      let params = rule.match(pathname);
      if (params && (rule.has || rule.missing)) {
        const fromHas = matchHas(req, query, rule.has, rule.missing);
        params = fromHas ? Object.assign(params, fromHas) : false;
      }
      if (!params) continue;
      const hasParams = Object.keys(params).length > 0;
      for (const header of rule.headers) {
        const key = hasParams ? compileNonPath(header.key, params) : header.key;
        const value = hasParams ? compileNonPath(header.value, params) : header.value;
        if (key.toLowerCase() === "set-cookie") {
          const previous = out[key];
          out[key] = [...(Array.isArray(previous) ? previous : previous ? [previous] : []), value];
        } else out[key] = value;
      }
    }
    for (const [key, value] of Object.entries(out)) res.setHeader(key, value);
  }
}
