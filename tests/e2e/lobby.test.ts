/**
 * The lobby in a real browser: two tabs (two browser contexts) chat, see each other and each
 * other's typing; then the server restarts on the same port and the tabs reconnect by themselves,
 * delivering a message written while disconnected exactly once.
 *
 * Needs a production build (`npm run build`) and Chromium at /usr/bin/chromium.
 *   node --import tsx --test tests/e2e/lobby.test.ts
 */
import assert from "node:assert/strict";
import path from "node:path";
import { test } from "node:test";
import { startApp } from "../helpers/app-server";
import { LobbyPage } from "./pages/lobby-page";
import { e2eSuite, SHOTS, type Device } from "./setup";

const e2e = e2eSuite();

async function newTab(device: Device, base: string): Promise<LobbyPage> {
  return LobbyPage.open(await e2e.newContext(device), base);
}

async function countText(lobby: LobbyPage, text: string): Promise<number> {
  return (await lobby.messageTexts()).filter((t) => t === text).length;
}

test("two tabs chat in the lobby and survive a server restart", { timeout: 180_000 }, async (t) => {
  if (!e2e.browser || !e2e.app) return t.skip("Chromium is not installed");
  const base = e2e.app.url;
  try {
    const a = await newTab("desktop", base);
    const b = await newTab("phone", base);

    // Each tab picks a name before joining.
    await a.join("Swift Otter");
    await b.join("Brave Badger");

    // Presence: both tabs see both people.
    await a.waitForOnline(["Swift Otter", "Brave Badger"]);
    await b.page.getByTestId("presence-toggle").click();
    await b.waitForOnline(["Swift Otter", "Brave Badger"]);
    assert.equal(await a.onlineCount(), 2);
    await b.page.getByTestId("presence-toggle").click();
    assert.equal(await b.onlineCount(), 2);

    // Typing shows on the other tab, and clears when the message lands.
    await a.typeText("Hello from A");
    await b.waitForTyping(/^Swift Otter is typing…$/);
    await a.input.press("Enter");
    await b.waitForMessage("Hello from A");
    await b.waitForTyping(/^$/);

    // Messages both ways, escaped as text, own ones distinguished.
    await b.send("<b>hi</b> from B\nsecond line");
    await a.waitForMessage("second line");
    assert.deepEqual(await a.messageTexts(), ["Hello from A", "<b>hi</b> from B\nsecond line"]);
    assert.deepEqual(await b.messageTexts(), ["Hello from A", "<b>hi</b> from B\nsecond line"]);
    assert.equal(await a.page.locator("b", { hasText: "hi" }).count(), 0, "text must never be rendered as HTML");
    assert.equal(await a.messages.filter({ hasText: "Hello from A" }).getAttribute("data-own"), "true");
    assert.equal(await b.messages.filter({ hasText: "Hello from A" }).getAttribute("data-own"), "false");
    assert.ok((await a.systemTexts()).some((s) => s === "Brave Badger joined"));

    // Ordered by id.
    const ids = await a.messageIds();
    const sorted = [...ids].sort((x, y) => {
      const [xm, xs] = x.split("-").map(Number);
      const [ym, ys] = y.split("-").map(Number);
      return xm! - ym! || xs! - ys!;
    });
    assert.deepEqual(ids, sorted);

    await a.screenshot(path.join(SHOTS, "lobby-desktop.png"));
    await b.screenshot(path.join(SHOTS, "lobby-phone.png"));

    // ---- the server restarts on the same port ----
    const port = e2e.app.port;
    await e2e.app.stop();
    const badge = await a.waitForBadgeText(/Reconnecting/);
    assert.match(badge, /Reconnecting( in \d+ s)?…/);

    // Written while the server is down: queued, shown as sending.
    await a.send("Written while offline");
    await a.page.locator('[data-testid="pending-item"][data-status="sending"]').waitFor({ timeout: 5000 });
    await a.screenshot(path.join(SHOTS, "lobby-desktop-reconnecting.png"));

    e2e.app = await startApp({ port });
    await a.waitForState("connected", 45_000);
    await a.waitForMessage("Written while offline");
    await b.waitForState("connected", 45_000);
    await b.waitForMessage("Written while offline");

    // Exactly once, on both tabs, and nothing left in the outbox (give a duplicate time to show).
    await a.page.waitForTimeout(1500);
    assert.equal(await countText(a, "Written while offline"), 1);
    assert.equal(await countText(b, "Written while offline"), 1);
    assert.equal(await a.pending.count(), 0);

    // The reconnected tab can send again; presence is back.
    await a.send("Back again");
    await b.waitForMessage("Back again");
    await a.waitForOnline(["Swift Otter", "Brave Badger"]);
    assert.equal(await countText(b, "Back again"), 1);

    // Renaming reconnects under the new name.
    await b.page.getByTestId("name-editor-open").click();
    await b.page.getByTestId("name-editor-input").fill("Quiet Quokka");
    await b.page.getByTestId("name-editor-save").click();
    await a.waitForOnline(["Swift Otter", "Quiet Quokka"]);
    await b.waitForState("connected");
    await b.send("New name here");
    await a.waitForMessage("New name here");
    assert.equal(await a.messages.filter({ hasText: "New name here" }).locator("text=Quiet Quokka").count(), 1);

    await a.screenshot(path.join(SHOTS, "lobby-desktop-after-restart.png"));
    await b.screenshot(path.join(SHOTS, "lobby-phone-after-restart.png"));

    // A reader who scrolled up is not yanked down: a "new messages" pill appears instead.
    for (let i = 0; i < 12; i++) await b.send(`filler ${i}`);
    await a.waitForMessage("filler 11");
    await a.page.getByTestId("message-list").evaluate((el) => el.scrollTo({ top: 0 }));
    await a.page.waitForTimeout(200);
    await b.send("While you were away");
    await a.page.getByTestId("new-messages-pill").waitFor({ timeout: 10_000 });
    assert.match((await a.page.getByTestId("new-messages-pill").textContent()) ?? "", /1 new message/);
    const scrolled = await a.page.getByTestId("message-list").evaluate((el) => el.scrollTop);
    assert.ok(scrolled < 50, `stayed where the reader was (scrollTop ${scrolled})`);
    await a.page.getByTestId("new-messages-pill").click();
    await a.page.getByTestId("new-messages-pill").waitFor({ state: "detached", timeout: 5000 });

    assert.deepEqual(e2e.pageErrors, [], "no uncaught page errors");
  } catch (e) {
    console.error("---- app output ----\n" + e2e.app?.output().slice(-4000));
    throw e;
  }
});
