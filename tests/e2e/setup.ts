import { mkdirSync } from "node:fs";
import path from "node:path";
import { after, before } from "node:test";
import type { Browser, BrowserContext, BrowserContextOptions } from "playwright-core";
import { ROOT, startApp, type AppInstance } from "../helpers/app-server";
import { launchBrowser } from "../helpers/browser";

/** Where the tests save their screenshots. */
export const SHOTS = path.join(ROOT, "test-results");

export type Device = "desktop" | "phone";

const DEVICES: Record<Device, BrowserContextOptions> = {
  desktop: { viewport: { width: 1280, height: 800 } },
  phone: { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
};

export type E2E = {
  /** Undefined when Chromium is not installed (the tests skip). */
  readonly browser: Browser | undefined;
  /** The app under test; a test may stop it and put a restarted one here. */
  app: AppInstance | undefined;
  /** Uncaught errors of every page opened in a context from `newContext`. */
  readonly pageErrors: string[];
  /** A separate browser (its own cookies and storage) on a desktop window or a 375 px phone. */
  newContext(device: Device): Promise<BrowserContext>;
};

/**
 * The browser and app of one test file: launched before its tests, closed after them (with every
 * context opened through `newContext`). `env` is the app's extra environment.
 */
export function e2eSuite(opts: { env?: Record<string, string> } = {}): E2E {
  const contexts: BrowserContext[] = [];
  const suite: E2E & { browser: Browser | undefined } = {
    browser: undefined,
    app: undefined,
    pageErrors: [],
    async newContext(device) {
      const context = await suite.browser!.newContext(DEVICES[device]);
      await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: suite.app!.url });
      context.on("page", (p) => p.on("pageerror", (e) => suite.pageErrors.push(`${p.url()}: ${String(e)}`)));
      contexts.push(context);
      return context;
    },
  };

  before(async () => {
    suite.browser = await launchBrowser();
    if (!suite.browser) return;
    mkdirSync(SHOTS, { recursive: true });
    suite.app = await startApp({ env: opts.env });
  });

  after(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await suite.browser?.close().catch(() => {});
    await suite.app?.stop().catch(() => {});
  });

  return suite;
}
