import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { whenShown } from "../../../lib/ui/when-shown";

/** A document stand-in: a real EventTarget with the `prerendering` flag. */
class FakeDocument extends EventTarget {
  constructor(public prerendering: boolean | undefined) {
    super();
  }
  activate(): void {
    this.prerendering = false;
    this.dispatchEvent(new Event("prerenderingchange"));
  }
}

const settled = async (p: Promise<unknown>) =>
  Promise.race([p.then(() => true), new Promise((r) => setTimeout(() => r(false), 20))]);

describe("whenShown", () => {
  it("resolves at once for a page that is shown (or a browser without prerendering)", async () => {
    assert.equal(await settled(whenShown(new FakeDocument(false))), true);
    assert.equal(await settled(whenShown(new FakeDocument(undefined))), true);
  });

  it("waits while prerendering, and resolves on prerenderingchange", async () => {
    const doc = new FakeDocument(true);
    const shown = whenShown(doc);
    assert.equal(await settled(shown), false);
    doc.activate();
    assert.equal(await settled(shown), true);
  });
});
