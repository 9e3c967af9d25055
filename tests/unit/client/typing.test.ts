import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  expireTypers,
  nextTypingExpiry,
  typerGone,
  typerSeen,
  TypingThrottle,
  type Typers,
} from "../../../lib/client/typing";

const names = (t: Typers) => t.map((u) => u.name);

describe("typing indicators", () => {
  it("keeps first-seen order and refreshes the time of someone already typing", () => {
    let t: Typers = [];
    t = typerSeen(t, { clientId: "o1", name: "Otter", until: 100 });
    t = typerSeen(t, { clientId: "o2", name: "Badger", until: 200 });
    t = typerSeen(t, { clientId: "o1", name: "Otter", until: 300 });
    assert.deepEqual(t, [
      { clientId: "o1", name: "Otter", until: 300 },
      { clientId: "o2", name: "Badger", until: 200 },
    ]);
  });

  it("expires by time and removes on demand, returning the same list when nothing changed", () => {
    const t: Typers = [
      { clientId: "o1", name: "Otter", until: 100 },
      { clientId: "o2", name: "Badger", until: 200 },
    ];
    assert.equal(expireTypers(t, 99), t);
    assert.deepEqual(names(expireTypers(t, 100)), ["Badger"]);
    assert.deepEqual(expireTypers(t, 200), []);
    assert.deepEqual(names(typerGone(t, "o2")), ["Otter"]);
    assert.equal(typerGone(t, "nobody"), t);
  });

  it("nextTypingExpiry is the earliest lapse", () => {
    assert.equal(nextTypingExpiry([]), undefined);
    assert.equal(
      nextTypingExpiry([
        { clientId: "a", name: "A", until: 500 },
        { clientId: "b", name: "B", until: 200 },
      ]),
      200,
    );
  });
});

describe("TypingThrottle", () => {
  it("lets one frame through per window, counted from the last one sent", () => {
    const throttle = new TypingThrottle(2000);
    const sent = [0, 1, 1999, 2000, 2001, 3999, 4000, 10_000].filter((now) => throttle.take(now));
    assert.deepEqual(sent, [0, 2000, 4000, 10_000]);
  });
});
