/**
 * The platform closes a function's sockets at maxDuration (1001). With MAX_SOCKET_SECONDS the
 * server does the same every few seconds; a tab that keeps chatting through several such closes
 * loses nothing and doubles nothing: it reconnects, resumes with `since` and resends its outbox
 * with the original nonces.
 *
 * Needs a production build (`npm run build`) and Chromium at /usr/bin/chromium.
 *   node --import tsx --test tests/e2e/max-duration.test.ts
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { sleep } from "../helpers/wait";
import { LobbyPage } from "./pages/lobby-page";
import { e2eSuite } from "./setup";

const e2e = e2eSuite({ env: { MAX_SOCKET_SECONDS: "3" } });

test(
  "tabs chat across the platform's maximum-duration closes without losing or doubling",
  { timeout: 120_000 },
  async (t) => {
    if (!e2e.browser || !e2e.app) return t.skip("Chromium is not installed");
    const base = e2e.app.url;
    const a = await LobbyPage.open(await e2e.newContext("desktop"), base);
    const b = await LobbyPage.open(await e2e.newContext("phone"), base);
    let socketsOfA = 0;
    a.page.on("websocket", () => socketsOfA++);
    await a.join("Steady Heron");
    await b.join("Patient Mole");

    const sent: string[] = [];
    for (let i = 0; i < 16; i++) {
      const text = `tick ${i}`;
      await a.send(text);
      sent.push(text);
      await sleep(500); // 8 s of chatting: at least two closes per tab
    }
    for (const text of sent) await b.waitForMessage(text, 20_000);
    await a.pending.first().waitFor({ state: "detached", timeout: 20_000 });

    assert.ok(socketsOfA >= 3, `the tab reconnected after each close (${socketsOfA} sockets)`);
    assert.deepEqual(await b.messageTexts(), sent, "every message once, in order, on the other tab");
    assert.deepEqual(await a.messageTexts(), sent, "and on the sender's own");
    assert.deepEqual(e2e.pageErrors, []);
  },
);
