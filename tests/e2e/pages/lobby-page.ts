import type { BrowserContext, Locator, Page } from "playwright-core";

const T = 15_000;

/** The lobby (`/`) as a person sees it; selectors live here, not in the tests. */
export class LobbyPage {
  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {}

  static async open(context: BrowserContext, baseUrl: string): Promise<LobbyPage> {
    const page = await context.newPage();
    const lobby = new LobbyPage(page, baseUrl);
    await page.goto(baseUrl + "/");
    return lobby;
  }

  get badge(): Locator {
    return this.page.getByTestId("connection-badge");
  }
  get input(): Locator {
    return this.page.getByTestId("composer-input");
  }
  get sendButton(): Locator {
    return this.page.getByTestId("composer-send");
  }
  get typing(): Locator {
    return this.page.getByTestId("typing-indicator");
  }
  get messages(): Locator {
    return this.page.getByTestId("message-item");
  }
  get pending(): Locator {
    return this.page.getByTestId("pending-item");
  }
  /** The live announcements strip (role="status"), newest first. */
  get announcements(): Locator {
    return this.page.getByTestId("announcement-text");
  }

  async announcementTexts(): Promise<string[]> {
    return (await this.announcements.allTextContents()).map((t) => t.trim());
  }

  async waitForAnnouncement(text: string, timeout = T): Promise<void> {
    await this.announcements.filter({ hasText: text }).first().waitFor({ timeout });
  }

  /** Confirms a name in the join form and waits until connected. */
  async join(name: string): Promise<void> {
    const input = this.page.getByTestId("join-name-input");
    await input.waitFor({ timeout: T });
    await input.fill(name);
    await this.page.getByTestId("join-button").click();
    await this.waitForState("connected");
  }

  /** "websocket" or "fallback" while connected (the badge's data-via). */
  async transport(): Promise<string | null> {
    return this.badge.getAttribute("data-via");
  }

  async state(): Promise<string | null> {
    return this.badge.getAttribute("data-state");
  }

  async waitForState(state: string, timeout = T): Promise<void> {
    await this.page.locator(`[data-testid="connection-badge"][data-state="${state}"]`).waitFor({ timeout });
  }

  /** Waits until the badge says `text` (substring or pattern). */
  async waitForBadgeText(text: RegExp, timeout = T): Promise<string> {
    await this.page.waitForFunction(
      ([source, flags]) => {
        const el = document.querySelector('[data-testid="connection-badge"]');
        return !!el && new RegExp(source!, flags).test(el.textContent ?? "");
      },
      [text.source, text.flags],
      { timeout },
    );
    return (await this.badge.textContent()) ?? "";
  }

  /** The names shown in the presence list (the sidebar, or the compact panel on phones). */
  async onlineNames(): Promise<string[]> {
    return this.page
      .locator('[data-testid="presence-user"]:visible')
      .evaluateAll((els) => els.map((e) => (e.querySelector("span.truncate")?.textContent ?? "").trim()));
  }

  async waitForOnline(names: string[], timeout = T): Promise<void> {
    await this.page.waitForFunction(
      (expected) => {
        const shown = [...document.querySelectorAll('[data-testid="presence-user"]')].map((e) =>
          (e.querySelector("span.truncate")?.textContent ?? "").trim(),
        );
        return expected.every((n) => shown.includes(n));
      },
      names,
      { timeout },
    );
  }

  async onlineCount(): Promise<number> {
    const visible = this.page.locator(
      '[data-testid="presence-count"]:visible, [data-testid="presence-count-compact"]:visible',
    );
    return Number((await visible.first().textContent())?.trim());
  }

  async typeText(text: string): Promise<void> {
    await this.input.click();
    await this.input.pressSequentially(text, { delay: 20 });
  }

  /** Types a message and presses Enter. */
  async send(text: string): Promise<void> {
    await this.input.fill(text);
    await this.input.press("Enter");
  }

  async waitForTyping(pattern: RegExp, timeout = T): Promise<void> {
    await this.page.waitForFunction(
      ([source, flags]) =>
        new RegExp(source!, flags).test(document.querySelector('[data-testid="typing-indicator"]')?.textContent ?? ""),
      [pattern.source, pattern.flags],
      { timeout },
    );
  }

  /** Texts of the non-system messages, in display order. */
  async messageTexts(): Promise<string[]> {
    return this.page
      .locator('[data-testid="message-item"]:not([data-system="true"]) [data-testid="message-text"]')
      .allTextContents();
  }

  async systemTexts(): Promise<string[]> {
    return this.page.locator('[data-testid="message-item"][data-system="true"] > span').allTextContents();
  }

  async waitForMessage(text: string, timeout = T): Promise<void> {
    await this.page
      .locator('[data-testid="message-item"] [data-testid="message-text"]', { hasText: text })
      .first()
      .waitFor({ timeout });
  }

  /** Message ids in DOM order. */
  async messageIds(): Promise<string[]> {
    return this.messages.evaluateAll((els) => els.map((e) => e.getAttribute("data-id") ?? ""));
  }

  async screenshot(path: string): Promise<void> {
    await this.page.screenshot({ path, fullPage: false });
  }
}
