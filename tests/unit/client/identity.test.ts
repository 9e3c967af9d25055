import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import { loadIdentity, saveIdentity, withCredentials } from "../../../lib/client/identity";

/** A sessionStorage of one tab. */
class MemoryStorage {
  readonly items = new Map<string, string>();
  getItem(k: string) {
    return this.items.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.items.set(k, v);
  }
}

const g = globalThis as { window?: unknown };
let storage: MemoryStorage;

beforeEach(() => {
  storage = new MemoryStorage();
  g.window = { sessionStorage: storage };
});
afterEach(() => delete g.window);

describe("per-tab identity", () => {
  it("keeps the clientToken with the clientId across reloads", () => {
    const first = loadIdentity();
    assert.equal(first.clientToken, undefined);
    saveIdentity({ ...first, clientToken: "token-of-me-0123456789" });
    assert.deepEqual(loadIdentity(), { ...first, clientToken: "token-of-me-0123456789" });
  });

  it("an identity stored without a token (before tokens, or not joined yet) is kept", () => {
    const stored = { clientId: "abc_DEF-123", name: "Ada", confirmed: true };
    storage.setItem("flare.identity.v1", JSON.stringify(stored));
    assert.deepEqual(loadIdentity(), stored);
  });

  it("drops a stored token that is not a token, keeping the clientId", () => {
    const first = loadIdentity();
    storage.setItem("flare.identity.v1", JSON.stringify({ ...first, clientToken: "<script>" }));
    assert.deepEqual(loadIdentity(), first);
  });

  it("a new clientId goes without the old one's token, and keeps the name", () => {
    const id = { clientId: "old", name: "Ada", confirmed: true, clientToken: "token-of-old-012345678" };
    assert.deepEqual(withCredentials(id, "new", undefined), { clientId: "new", name: "Ada", confirmed: true });
    assert.deepEqual(withCredentials(id, "old", "token-two-0123456789"), {
      ...id,
      clientToken: "token-two-0123456789",
    });
  });
});
