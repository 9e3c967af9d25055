/**
 * An XSS corpus rendered in Chromium. Names and texts carrying `<script>`, `<img onerror>`, SVG,
 * `javascript:` URLs, markdown and bidi overrides are posted over the WebSocket and over HTTP, to
 * a private room and to the lobby; a person then opens both pages. Nothing executes (the payloads
 * set `window.__pwned`), every payload shows as the literal text it was, only http(s) URLs became
 * links (new tab, `noopener noreferrer nofollow ugc`), and the app's pages report no CSP
 * violation. Last, a payload injected past React proves the CSP itself blocks inline handlers
 * and that the probe would have seen it.
 *
 * Needs a production build (`npm run build`) and Chromium at /usr/bin/chromium.
 *   node --import tsx --test tests/e2e/xss.test.ts
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";
import { Browser } from "../helpers/http";
import { TestClient } from "../helpers/ws-client";
import { LobbyPage } from "./pages/lobby-page";
import { RoomPage } from "./pages/room-page";
import { watchSecurity, type SecurityReport } from "./pages/security-probe";
import { e2eSuite } from "./setup";

const e2e = e2eSuite();

/** Names of at most 40 characters, as the contract allows. */
const NAMES = [
  "<script>window.__pwned=1</script>",
  "<img src=x onerror=window.__pwned=2>",
  "<svg onload=window.__pwned=3>",
  "javascript:window.__pwned=4",
  "\u202Eevil\u202C Otter",
];

const TEXTS = [
  "<script>window.__pwned=10</script>",
  '<img src=x onerror="window.__pwned=11">',
  "<svg><script>window.__pwned=12</script></svg>",
  '<svg onload="window.__pwned=13"><circle r=9 /></svg>',
  '"><img src=x onerror=window.__pwned=14>',
  "javascript:window.__pwned=15",
  "[click me](javascript:window.__pwned=16)",
  '<a href="javascript:window.__pwned=17">click me</a>',
  '<iframe src="javascript:window.__pwned=18"></iframe>',
  "data:text/html,<script>window.__pwned=19</script>",
  "**bold** _em_ `code` <b>not bold</b>",
  "read \u202Eexe.txt\u202C please",
  "a real link: https://example.com/page?q=1 (and http://example.org).",
];

/** The only links the corpus may produce. */
const EXPECTED_LINKS = ["https://example.com/page?q=1", "http://example.org/"];

/** Posts the corpus to `room`: each name says its share of the texts, half over WebSocket, half over HTTP. */
async function postCorpus(base: string, wsUrl: string, room: string, seat: Browser | null): Promise<string[]> {
  const cookie = seat?.cookieHeader();
  const http = seat ?? new Browser(base);
  const sent: string[] = [];
  for (const [i, name] of NAMES.entries()) {
    const clientId = `xss-${randomUUID().slice(0, 8)}`;
    const texts = TEXTS.filter((_, j) => j % NAMES.length === i);
    const [overWs, overHttp] = [texts.filter((_, j) => j % 2 === 0), texts.filter((_, j) => j % 2 === 1)];
    const client = await TestClient.join(wsUrl, { room, clientId, name }, cookie ? { cookie } : {});
    for (const text of overWs) {
      const nonce = randomUUID();
      client.send({ type: "message", text, nonce });
      await client.waitFor((f) => f.type === "ack" && f.nonce === nonce);
      sent.push(text);
    }
    await client.close();
    for (const text of overHttp) {
      const res = await http.post(`/api/rooms/${room}/messages`, { name, text, clientId: `${clientId}-h` });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      sent.push(text);
    }
  }
  return sent;
}

/** The page shows every payload as its literal text, and made links of the http(s) URLs only. */
async function assertRenderedInert(page: LobbyPage, sent: string[]): Promise<void> {
  await page.waitForMessage(TEXTS.at(-1)!, 20_000);
  const shown = await page.messageTexts();
  for (const text of sent) assert.ok(shown.includes(text), `shown literally: ${JSON.stringify(text)}`);

  const links = await page.page
    .getByTestId("message-link")
    .evaluateAll((els) =>
      els.map((a) => ({ href: a.getAttribute("href"), rel: a.getAttribute("rel"), target: a.getAttribute("target") })),
    );
  assert.deepEqual([...new Set(links.map((l) => l.href))].sort(), [...EXPECTED_LINKS].sort());
  for (const l of links) assert.deepEqual([l.rel, l.target], ["noopener noreferrer nofollow ugc", "_blank"]);

  // Nothing of the payloads became an element: no images, frames, scripts or foreign links in the
  // conversation (avatars are the only SVGs, and they carry no handlers).
  const injected = await page.page.evaluate(() => {
    const list = document.querySelector('[data-testid="message-item"]')?.closest("ol,ul") ?? document.body;
    return {
      elements: list.querySelectorAll("img, iframe, script, object, embed").length,
      handlers: [...list.querySelectorAll("*")].filter((el) => [...el.attributes].some((a) => /^on/i.test(a.name)))
        .length,
      scriptLinks: document.querySelectorAll('a[href^="javascript:" i], a[href^="data:" i]').length,
    };
  });
  assert.deepEqual(injected, { elements: 0, handlers: 0, scriptLinks: 0 });
}

function assertClean(where: string, report: SecurityReport): void {
  assert.equal(report.pwned, undefined, `${where}: a payload ran`);
  assert.deepEqual(report.violations, [], `${where}: CSP violations`);
  assert.deepEqual(
    report.consoleErrors.filter((e) => /Content Security Policy|Refused to/i.test(e)),
    [],
    `${where}: CSP errors on the console`,
  );
}

test(
  "an XSS corpus over WebSocket and HTTP renders as text, runs nothing, trips no CSP",
  { timeout: 180_000 },
  async (t) => {
    if (!e2e.browser || !e2e.app) return t.skip("Chromium is not installed");
    const { url: base, wsUrl } = e2e.app;
    try {
      const ctx = await e2e.newContext("desktop");
      const report = await watchSecurity(ctx);

      // A private room with a seat for the corpus's senders (one browser, several tabs).
      const created = await ctx.request.post(`${base}/api/rooms`, { data: { capacity: 3 } });
      assert.equal(created.status(), 201);
      const { roomId } = (await created.json()) as { roomId: string };
      const senders = new Browser(base);
      assert.equal((await senders.post(`/api/rooms/${roomId}/join`, {})).status, 200);
      const roomSent = await postCorpus(base, wsUrl, roomId, senders);
      const lobbySent = await postCorpus(base, wsUrl, "lobby", null);

      // A person opens the room, with a payload as their own name.
      const room = await RoomPage.openRoom(ctx, base, `${base}/room/${roomId}`);
      await room.join(NAMES[1]!);
      await assertRenderedInert(room, roomSent);
      await room.waitForOnline([NAMES[1]!]);
      assertClean("room page", await report(room.page));

      // The lobby the same way.
      const lobby = await LobbyPage.open(ctx, base);
      await lobby.join(NAMES[0]!);
      await assertRenderedInert(lobby, lobbySent);
      assertClean("lobby page", await report(lobby.page));

      // Past React, straight into the DOM: the CSP blocks the inline handler and says so.
      await lobby.page.evaluate(() => {
        const div = document.createElement("div");
        div.innerHTML = '<img src="/no-such-image" onerror="window.__pwned=99">';
        document.body.append(div);
      });
      await lobby.page.waitForFunction(() => (window.__cspViolations ?? []).length > 0, undefined, { timeout: 5000 });
      const probed = await report(lobby.page);
      assert.equal(probed.pwned, undefined, "the CSP stopped the injected handler");
      assert.ok(
        probed.violations.some((v) => /script-src/.test(v)),
        probed.violations.join("\n"),
      );

      assert.deepEqual(e2e.pageErrors, [], "no uncaught page errors");
    } catch (e) {
      console.error("---- app output ----\n" + e2e.app?.output().slice(-4000));
      throw e;
    }
  },
);
