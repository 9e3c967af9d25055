import type { BrowserContext, Locator } from "playwright-core";
import { LobbyPage } from "./lobby-page";

const T = 15_000;

/**
 * A private room (`/room/:id`) as a person sees it. It is the same chat screen as the lobby, so
 * the chat helpers are LobbyPage's; the room's own controls are here.
 */
export class RoomPage extends LobbyPage {
  static async openRoom(context: BrowserContext, baseUrl: string, link: string): Promise<RoomPage> {
    const page = await context.newPage();
    await page.goto(link);
    return new RoomPage(page, baseUrl);
  }

  /**
   * From the lobby (name already confirmed): opens the room options, picks the lifetime and the
   * seats, creates the room and waits until this tab is connected in it.
   */
  static async createFromLobby(
    lobby: LobbyPage,
    opts: { ttlLabel?: string; capacity?: number } = {},
  ): Promise<RoomPage> {
    const { page } = lobby;
    await page.getByTestId("create-room-options").click();
    if (opts.ttlLabel) await page.getByTestId("create-room-ttl").selectOption({ label: opts.ttlLabel });
    if (opts.capacity !== undefined) await page.getByTestId("create-room-capacity").fill(String(opts.capacity));
    await page.getByTestId("create-room-submit").click();
    await page.waitForURL(/\/room\/[A-Za-z0-9_-]{21,64}$/, { timeout: T });
    const room = new RoomPage(page, lobby.baseUrl);
    await room.waitForState("connected");
    return room;
  }

  /** The room id in the address bar, or null when this page is not a room. */
  roomId(): string | null {
    return /\/room\/([^/?#]+)/.exec(new URL(this.page.url()).pathname)?.[1] ?? null;
  }

  get countdown(): Locator {
    return this.page.getByTestId("countdown");
  }
  get countdownValue(): Locator {
    return this.page.getByTestId("countdown-value");
  }
  get seats(): Locator {
    return this.page.getByTestId("seats");
  }
  get copyLinkButton(): Locator {
    return this.page.getByTestId("copy-link");
  }
  get destroyButton(): Locator {
    return this.page.getByTestId("destroy-room");
  }
  get destroyDialog(): Locator {
    return this.page.getByTestId("destroy-dialog");
  }
  get confirmDestroyButton(): Locator {
    return this.page.getByTestId("confirm-destroy");
  }
  get ended(): Locator {
    return this.page.getByTestId("room-ended");
  }
  get lobbyError(): Locator {
    return this.page.getByTestId("lobby-error");
  }

  /** Seconds left on the countdown ("09:41" → 581; "1:00:00" → 3600). */
  async countdownSeconds(): Promise<number> {
    const text = ((await this.countdownValue.textContent()) ?? "").trim();
    const parts = text.split(":").map(Number);
    if (parts.some((n) => Number.isNaN(n))) throw new Error(`countdown shows "${text}"`);
    return parts.reduce((acc, n) => acc * 60 + n, 0);
  }

  async waitForSeats(members: number, capacity: number, timeout = 20_000): Promise<void> {
    await this.page
      .locator(`[data-testid="seats"][data-members="${members}"][data-capacity="${capacity}"]`)
      .waitFor({ timeout });
  }

  /** Copies the link with the button and returns what the clipboard holds. */
  async copyLink(): Promise<string> {
    await this.copyLinkButton.click();
    await this.page.locator('[data-testid="copy-link"][data-state="copied"]').waitFor({ timeout: T });
    return this.page.evaluate(() => navigator.clipboard.readText());
  }

  async openDestroyDialog(): Promise<void> {
    await this.destroyButton.click();
    await this.destroyDialog.waitFor({ state: "visible", timeout: T });
  }

  async destroy(): Promise<void> {
    await this.openDestroyDialog();
    await this.confirmDestroyButton.click();
  }

  async waitForEnded(text: string | RegExp, timeout = T): Promise<string> {
    await this.ended.filter({ hasText: text }).waitFor({ timeout });
    return (await this.ended.textContent()) ?? "";
  }

  /** Waits until the browser is back on the lobby with `?error=<code>` and its message shows. */
  async waitForLobbyError(code: "room_full" | "room_not_found", timeout = T): Promise<string> {
    await this.page.waitForURL((u) => u.pathname === "/" && u.searchParams.get("error") === code, { timeout });
    await this.lobbyError.waitFor({ timeout });
    return (await this.lobbyError.textContent()) ?? "";
  }
}
