/**
 * Private rooms in a real browser. A creates a room from the lobby and shares the link; B (another
 * browser) opens it and they chat both ways; C (a third browser) finds it full and lands on the
 * lobby with "This room is full"; A destroys the room and both A and B see the end screen. An
 * unknown room sends the browser to the lobby with "This room no longer exists", and a short-lived
 * room shows its urgent countdown and then the "expired" end screen.
 *
 * Needs a production build (`npm run build`) and Chromium at /usr/bin/chromium.
 *   node --import tsx --test tests/e2e/rooms.test.ts
 */
import assert from "node:assert/strict";
import path from "node:path";
import { test } from "node:test";
import type { Page } from "playwright-core";
import { LobbyPage } from "./pages/lobby-page";
import { RoomPage } from "./pages/room-page";
import { watchSecurity } from "./pages/security-probe";
import { e2eSuite, SHOTS } from "./setup";

const e2e = e2eSuite();

/** The page is at least as wide as the viewport: nothing sticks out sideways on a phone. */
async function assertNoHorizontalOverflow(page: Page): Promise<void> {
  const { scroll, client } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  assert.ok(scroll <= client, `no horizontal scrolling (scrollWidth ${scroll} > clientWidth ${client})`);
}

test("a private room: share, chat, full, destroy", { timeout: 180_000 }, async (t) => {
  if (!e2e.browser || !e2e.app) return t.skip("Chromium is not installed");
  const base = e2e.app.url;
  try {
    // ---- A creates a room from the lobby (10 minutes, 2 seats) ----
    const ctxA = await e2e.newContext("desktop");
    const securityA = await watchSecurity(ctxA);
    const lobbyA = await LobbyPage.open(ctxA, base);
    await lobbyA.join("Ada Lovelace");
    const a = await RoomPage.createFromLobby(lobbyA, { ttlLabel: "10 minutes", capacity: 2 });
    const roomId = a.roomId();
    assert.ok(roomId, "A is on /room/<id>");

    // The countdown follows the server's expiry: a little under 10 minutes, ticking down.
    await a.countdown.waitFor();
    await a.page.waitForFunction(() =>
      /^\d\d:\d\d$/.test(document.querySelector('[data-testid="countdown-value"]')?.textContent ?? ""),
    );
    const left = await a.countdownSeconds();
    assert.ok(left > 540 && left <= 600, `countdown shows ${left} s of 600`);
    assert.equal(await a.countdown.getAttribute("data-urgent"), "false");
    await a.page.waitForFunction(
      (before) => {
        const [m, s] = (document.querySelector('[data-testid="countdown-value"]')?.textContent ?? "")
          .split(":")
          .map(Number);
        return m! * 60 + s! < before;
      },
      left,
      { timeout: 5000 },
    );
    // The creator's seat (from POST /api/rooms) was reused, not a second one taken.
    await a.waitForSeats(1, 2);

    // "Copy link" copies this room's address and confirms.
    const link = await a.copyLink();
    assert.equal(link, `${base}/room/${roomId}`);
    assert.match((await a.copyLinkButton.textContent()) ?? "", /Copied/);

    // ---- B, another browser on a phone, opens the link and picks a name ----
    const ctxB = await e2e.newContext("phone");
    const securityB = await watchSecurity(ctxB);
    const b = await RoomPage.openRoom(ctxB, base, link);
    await b.join("Grace Hopper");
    assert.equal(b.roomId(), roomId);
    await a.waitForOnline(["Ada Lovelace", "Grace Hopper"]);
    await a.waitForSeats(2, 2);
    await b.waitForSeats(2, 2);

    // They chat both ways.
    await a.send("Hello from A in the private room");
    await b.waitForMessage("Hello from A in the private room");
    await b.send("Hi A, B here");
    await a.waitForMessage("Hi A, B here");
    assert.deepEqual(await a.messageTexts(), ["Hello from A in the private room", "Hi A, B here"]);
    assert.deepEqual(await b.messageTexts(), ["Hello from A in the private room", "Hi A, B here"]);
    assert.equal(await b.messages.filter({ hasText: "Hi A, B here" }).getAttribute("data-own"), "true");
    assert.equal(await a.messages.filter({ hasText: "Hi A, B here" }).getAttribute("data-own"), "false");

    await assertNoHorizontalOverflow(b.page);
    for (const id of ["countdown", "seats", "copy-link", "destroy-room"]) {
      assert.ok(await b.page.getByTestId(id).isVisible(), `${id} is visible at 375 px`);
    }
    await a.screenshot(path.join(SHOTS, "room-desktop.png"));
    await b.screenshot(path.join(SHOTS, "room-phone.png"));
    // The pages' CSP allows everything they do: the socket, the seat claim, the polls, the styles.
    for (const seen of [await securityA(a.page), await securityB(b.page)]) assert.deepEqual(seen.violations, []);

    // ---- C, a third browser, finds the room full ----
    const ctxC = await e2e.newContext("desktop");
    const c = await RoomPage.openRoom(ctxC, base, link);
    const fullText = await c.waitForLobbyError("room_full");
    assert.match(fullText, /This room is full/);
    await c.screenshot(path.join(SHOTS, "room-full-error.png"));
    // Still two seats: C's visit took none.
    const view = (await (await fetch(`${base}/api/rooms/${roomId}`)).json()) as { members: number; capacity: number };
    assert.deepEqual([view.members, view.capacity], [2, 2]);
    // The message can be dismissed.
    await c.page.getByTestId("lobby-error-dismiss").click();
    await c.lobbyError.waitFor({ state: "detached", timeout: 5000 });
    await c.page.waitForURL((u) => u.pathname === "/" && !u.searchParams.has("error"));

    // ---- A destroys the room ----
    // The dialog takes the focus (on Cancel, the safe choice), and Escape backs out.
    await a.openDestroyDialog();
    assert.equal(await a.page.evaluate(() => document.activeElement?.textContent?.trim()), "Cancel");
    await a.page.keyboard.press("Escape");
    await a.destroyDialog.waitFor({ state: "hidden", timeout: 5000 });
    assert.equal(await a.page.evaluate(() => document.activeElement?.getAttribute("data-testid")), "destroy-room");
    assert.equal(await a.ended.count(), 0, "cancelling destroys nothing");

    await a.destroy();
    const endedA = await a.waitForEnded("This room was destroyed");
    const endedB = await b.waitForEnded("This room was destroyed");
    assert.match(endedA, /Back to the lobby/);
    assert.match(endedB, /Back to the lobby/);
    assert.equal(await a.input.count(), 0, "no composer once the room ended");
    await a.screenshot(path.join(SHOTS, "room-ended-desktop.png"));
    await b.screenshot(path.join(SHOTS, "room-ended-phone.png"));

    // The end screen leads back to the lobby; the old link now says the room is gone.
    await b.page.getByTestId("back-to-lobby").click();
    await b.page.waitForURL((u) => u.pathname === "/");
    await a.page.goto(link);
    assert.match(await a.waitForLobbyError("room_not_found"), /This room no longer exists/);

    assert.deepEqual(e2e.pageErrors, [], "no uncaught page errors");
  } catch (e) {
    console.error("---- app output ----\n" + e2e.app?.output().slice(-4000));
    throw e;
  }
});

test("an unknown room sends the browser to the lobby", { timeout: 60_000 }, async (t) => {
  if (!e2e.browser || !e2e.app) return t.skip("Chromium is not installed");
  const ctx = await e2e.newContext("phone");
  const page = await RoomPage.openRoom(ctx, e2e.app.url, `${e2e.app.url}/room/ZZZZZZZZZZZZZZZZZZZZZ`);
  assert.match(await page.waitForLobbyError("room_not_found"), /This room no longer exists/);
  await assertNoHorizontalOverflow(page.page);
  await page.screenshot(path.join(SHOTS, "room-not-found-phone.png"));
  assert.deepEqual(e2e.pageErrors, [], "no uncaught page errors");
});

test("a short-lived room turns urgent, then expires", { timeout: 90_000 }, async (t) => {
  if (!e2e.browser || !e2e.app) return t.skip("Chromium is not installed");
  const ctx = await e2e.newContext("desktop");
  // The context's request API shares the browser's cookie jar: the creator's seat cookie lands there.
  const res = await ctx.request.post(`${e2e.app.url}/api/rooms`, { data: { ttlSeconds: 12, capacity: 3 } });
  assert.equal(res.status(), 201);
  const { roomId } = (await res.json()) as { roomId: string };
  const room = await RoomPage.openRoom(ctx, e2e.app.url, `${e2e.app.url}/room/${roomId}`);
  await room.join("Short Lived");
  await room.waitForSeats(1, 3);
  await room.page.locator('[data-testid="countdown"][data-urgent="true"]').waitFor({ timeout: 5000 });
  assert.ok((await room.countdownSeconds()) <= 12);
  await room.screenshot(path.join(SHOTS, "room-urgent.png"));
  await room.waitForEnded("This room expired — it self-destructed as planned", 20_000);
  await room.screenshot(path.join(SHOTS, "room-expired.png"));
  assert.deepEqual(e2e.pageErrors, [], "no uncaught page errors");
});
