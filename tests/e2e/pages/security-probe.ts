import type { BrowserContext, Page } from "playwright-core";

/** What the probe saw on one page. */
export type SecurityReport = { pwned: unknown; violations: string[]; consoleErrors: string[] };

declare global {
  interface Window {
    __pwned?: unknown;
    __cspViolations?: string[];
  }
}

/**
 * Watches every page of `context` for script that should never run and for CSP violations: an
 * attack payload sets `window.__pwned`; the browser reports each blocked resource or inline
 * script as a `securitypolicyviolation` event (recorded from before the page's own scripts run)
 * and as a console error.
 */
export async function watchSecurity(context: BrowserContext): Promise<(page: Page) => Promise<SecurityReport>> {
  const consoleErrors = new Map<Page, string[]>();
  context.on("page", (page) => {
    consoleErrors.set(page, []);
    page.on("console", (msg) => {
      if (msg.type() === "error") consoleErrors.get(page)!.push(msg.text());
    });
  });
  await context.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener("securitypolicyviolation", (e) => {
      window.__cspViolations!.push(
        `${e.violatedDirective} blocked ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber})`,
      );
    });
  });
  return async (page) => {
    const seen = await page.evaluate(() => ({ pwned: window.__pwned, violations: window.__cspViolations ?? [] }));
    return { ...seen, consoleErrors: [...(consoleErrors.get(page) ?? [])] };
  };
}
