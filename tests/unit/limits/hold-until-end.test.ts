import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { holdUntilEnd } from "../../../lib/limits/hold-until-end";

function counter() {
  let n = 0;
  return {
    release: () => void n++,
    get released() {
      return n;
    },
  };
}

async function* numbers(): AsyncGenerator<number> {
  yield 1;
  yield 2;
}

describe("holdUntilEnd", () => {
  it("passes every item through and releases when the source ends", async () => {
    const c = counter();
    const seen: number[] = [];
    for await (const n of holdUntilEnd(numbers(), c.release, new AbortController().signal)) {
      assert.equal(c.released, 0);
      seen.push(n);
    }
    assert.deepEqual(seen, [1, 2]);
    assert.equal(c.released, 1);
  });

  it("releases when the reader stops early, and the source is returned", async () => {
    const c = counter();
    const source = numbers();
    for await (const n of holdUntilEnd(source, c.release, new AbortController().signal)) {
      assert.equal(n, 1);
      break;
    }
    assert.equal(c.released, 1);
    assert.deepEqual(await source.next(), { done: true, value: undefined });
  });

  it("releases when the request aborts, even if the source never ends", async () => {
    const c = counter();
    const ac = new AbortController();
    const never: AsyncIterableIterator<number> = {
      next: () => new Promise(() => {}),
      [Symbol.asyncIterator]() {
        return this;
      },
    };
    holdUntilEnd(never, c.release, ac.signal);
    assert.equal(c.released, 0);
    ac.abort();
    assert.equal(c.released, 1);
  });
});
