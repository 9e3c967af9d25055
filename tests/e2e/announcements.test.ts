/**
 * The lobby's announcements, a feature built on typed channels: events emitted through
 * `POST /api/realtime/emit` show up live in the lobby (with the last few replayed on arrival),
 * before and after joining the chat, and still after the server restarts. A joined tab carries
 * its channels on the chat's own socket: one WebSocket per tab.
 *
 * Needs a production build (`npm run build`) and Chromium at /usr/bin/chromium.
 *   node --import tsx --test tests/e2e/announcements.test.ts
 */
import assert from "node:assert/strict";
import path from "node:path";
import { test } from "node:test";
import type { Page } from "playwright-core";
import { startApp } from "../helpers/app-server";
import { announce, EMIT_TOKEN } from "../helpers/realtime-emit";
import { LobbyPage } from "./pages/lobby-page";
import { e2eSuite, SHOTS } from "./setup";

const env = { REALTIME_EMIT_TOKEN: EMIT_TOKEN };
const e2e = e2eSuite({ env });

/** How many WebSockets the page holds open right now. */
function openSockets(page: Page): () => number {
  let open = 0;
  page.on("websocket", (ws) => {
    open++;
    ws.on("close", () => open--);
  });
  return () => open;
}

test("the lobby shows announcements live, and again after a server restart", { timeout: 180_000 }, async (t) => {
  if (!e2e.browser || !e2e.app) return t.skip("Chromium is not installed");
  const base = e2e.app.url;

  for (const text of ["First notice", "Second notice", "Third notice", "Fourth notice"]) await announce(base, text);

  const phonePage = await (await e2e.newContext("phone")).newPage();
  const sockets = openSockets(phonePage);
  await phonePage.goto(base + "/");
  const phone = new LobbyPage(phonePage, base);
  const desk = await LobbyPage.open(await e2e.newContext("desktop"), base);

  // The newest three, newest first, before anyone joined the chat.
  await phone.waitForAnnouncement("Second notice");
  assert.deepEqual(await phone.announcementTexts(), ["Fourth notice", "Third notice", "Second notice"]);
  await desk.waitForAnnouncement("Second notice");
  const region = phone.page.getByRole("status").filter({ has: phone.announcements.first() });
  assert.equal(await region.getAttribute("aria-live"), "polite");

  // Live, with its author, on a phone that joined the chat and on a desktop that did not.
  await phone.join("Swift Otter");
  await announce(base, "Deploy v2 is live", "Release bot");
  await phone.waitForAnnouncement("Deploy v2 is live");
  await desk.waitForAnnouncement("Deploy v2 is live");
  assert.deepEqual(await phone.announcementTexts(), ["Deploy v2 is live", "Fourth notice", "Third notice"]);
  await phone.page.getByText("Release bot").first().waitFor();

  // The joined tab follows the channel on its chat socket.
  await phone.page.waitForTimeout(500);
  assert.equal(sockets(), 1, "one WebSocket for chat and channels");

  // Nothing overflows a 375 px screen.
  const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
  assert.equal(overflow, false);
  await phone.screenshot(path.join(SHOTS, "lobby-announcements-phone.png"));
  await desk.screenshot(path.join(SHOTS, "lobby-announcements-desktop-join.png"));

  // ---- the server restarts on the same port ----
  const port = e2e.app.port;
  await e2e.app.stop();
  await phone.waitForBadgeText(/Reconnecting/);
  e2e.app = await startApp({ port, env });
  await phone.waitForState("connected", 45_000);

  await announce(base, "Back after the restart");
  await phone.waitForAnnouncement("Back after the restart", 30_000);
  await desk.waitForAnnouncement("Back after the restart", 30_000);
  await phone.page.waitForTimeout(1000);
  const texts = await phone.announcementTexts();
  assert.equal(texts.filter((x) => x === "Back after the restart").length, 1, "delivered once");
  assert.deepEqual(texts, ["Back after the restart", "Deploy v2 is live", "Fourth notice"]);
  assert.deepEqual(e2e.pageErrors, []);
});
