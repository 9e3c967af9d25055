/**
 * clientId binding in a real browser (protocol v1.1 rule 1): a tab keeps the clientToken of its
 * clientId in sessionStorage; a tab that starts with someone else's clientId (a copied
 * sessionStorage, a forged one) is told `client_taken`, moves to a new clientId without a word and
 * chats as itself, never as the other person.
 *
 * Needs a production build (`npm run build`) and Chromium at /usr/bin/chromium.
 *   node --import tsx --test tests/e2e/identity.test.ts
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { LobbyPage } from "./pages/lobby-page";
import { e2eSuite } from "./setup";

const e2e = e2eSuite();
const IDENTITY_KEY = "flare.identity.v1";

type StoredIdentity = { clientId: string; name: string; confirmed: boolean; clientToken?: string };

async function storedIdentity(lobby: LobbyPage): Promise<StoredIdentity> {
  const raw = await lobby.page.evaluate((key) => sessionStorage.getItem(key), IDENTITY_KEY);
  return JSON.parse(raw ?? "null") as StoredIdentity;
}

test("a tab with another tab's clientId gets a new one silently and never speaks as the other", async (t) => {
  if (!e2e.browser || !e2e.app) return t.skip("Chromium is not installed");
  const base = e2e.app.url;
  const a = await LobbyPage.open(await e2e.newContext("desktop"), base);
  await a.join("Swift Otter");
  const owner = await storedIdentity(a);
  assert.match(owner.clientToken ?? "", /^[A-Za-z0-9_-]{22,}$/, "the tab keeps its clientToken");

  // A second browser whose tab holds A's clientId but not its token (as a forged or copied
  // sessionStorage would), from its first load on.
  const b = await LobbyPage.open(await e2e.newContext("phone"), base);
  const forged = JSON.stringify({ clientId: owner.clientId, name: "Brave Badger", confirmed: true });
  await b.page.evaluate(({ key, value }) => sessionStorage.setItem(key, value), { key: IDENTITY_KEY, value: forged });
  await b.page.reload();
  await b.waitForState("connected");
  const moved = await storedIdentity(b);
  assert.notEqual(moved.clientId, owner.clientId);
  assert.equal(moved.name, "Brave Badger", "the name stays");
  assert.match(moved.clientToken ?? "", /^[A-Za-z0-9_-]{22,}$/);
  assert.equal(await b.page.getByTestId("notice").count(), 0, "nothing to tell the person");

  await b.send("hello from B");
  await a.waitForMessage("hello from B");
  assert.equal(await a.messages.filter({ hasText: "hello from B" }).getAttribute("data-own"), "false");
  await a.waitForOnline(["Swift Otter", "Brave Badger"]);

  // A reload keeps the tab's identity: the same clientId, proven by its token.
  await b.page.reload();
  await b.waitForState("connected");
  assert.deepEqual(await storedIdentity(b), moved);
  assert.deepEqual(e2e.pageErrors, []);
});
