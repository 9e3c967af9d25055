/**
 * A browser whose WebSockets never get through (a proxy that blocks them, a deployment without
 * WebSocket support) still chats: after two failed attempts, with the site answering HTTP, the
 * client moves to Server-Sent Events for receiving and HTTP POST for sending, and says so.
 *
 * Needs a production build (`npm run build`) and Chromium at /usr/bin/chromium.
 *   node --import tsx --test tests/e2e/fallback.test.ts
 */
import assert from "node:assert/strict";
import path from "node:path";
import { test } from "node:test";
import { LobbyPage } from "./pages/lobby-page";
import { e2eSuite, SHOTS } from "./setup";

const e2e = e2eSuite();

test("a browser without WebSockets chats in the lobby over SSE + POST", { timeout: 120_000 }, async (t) => {
  if (!e2e.browser || !e2e.app) return t.skip("Chromium is not installed");
  const base = e2e.app.url;

  const blockedContext = await e2e.newContext("phone");
  // Every WebSocket of this browser ends before the server ever sees it.
  await blockedContext.routeWebSocket(/\/api\/ws/, (ws) => ws.close());
  const blocked = await LobbyPage.open(blockedContext, base);
  const normal = await LobbyPage.open(await e2e.newContext("desktop"), base);

  await normal.join("Loud Lion");
  await blocked.join("Quiet Fox");
  assert.equal(await blocked.transport(), "fallback");
  assert.match((await blocked.badge.textContent()) ?? "", /no WebSocket/);
  assert.equal(await normal.transport(), "websocket");

  await normal.send("hello over a WebSocket");
  await blocked.waitForMessage("hello over a WebSocket");

  await blocked.send("hello over SSE and POST");
  await normal.waitForMessage("hello over SSE and POST");
  await blocked.waitForMessage("hello over SSE and POST");
  assert.equal(await blocked.messages.filter({ hasText: "hello over SSE and POST" }).getAttribute("data-own"), "true");
  await blocked.pending.first().waitFor({ state: "detached", timeout: 15_000 });
  assert.deepEqual(await blocked.messageTexts(), await normal.messageTexts());
  await blocked.screenshot(path.join(SHOTS, "fallback-phone.png"));
  assert.deepEqual(e2e.pageErrors, []);
});
