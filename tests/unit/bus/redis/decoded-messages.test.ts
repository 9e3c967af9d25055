import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DecodedMessages, DecodedStore } from "../../../../lib/bus/redis/decoded-messages";
import { encodeDraft } from "../../../../lib/bus/redis/codec";

const fields = (text: string) => [
  "o",
  "instance-a",
  "d",
  encodeDraft({ room: "r", clientId: "c1", name: "Zed", text }),
];

describe("DecodedMessages", () => {
  it("decodes an entry once and hands out the same message for its id after", () => {
    const cache = new DecodedMessages("r");
    const first = cache.decode("1700000000000-0", fields("hello"));
    assert.deepEqual(first, {
      id: "1700000000000-0",
      room: "r",
      clientId: "c1",
      name: "Zed",
      text: "hello",
      ts: 1700000000000,
    });
    assert.equal(cache.decode("1700000000000-0", fields("hello")), first);
  });

  it("caches nothing it could not decode", () => {
    const cache = new DecodedMessages("r");
    assert.equal(cache.decode("1700000000000-0", ["d", "{not json"]), undefined);
    assert.equal(cache.decode("not-an-id", fields("x")), undefined);
    assert.equal(cache.decode("1700000000000-0", fields("now valid"))?.text, "now valid");
  });

  it("keeps the newest ids up to the store's bound, and forgets the room's when cleared", () => {
    const cache = new DecodedMessages("r", new DecodedStore(2));
    const a = cache.decode("1-0", fields("a"));
    cache.decode("2-0", fields("b"));
    cache.decode("3-0", fields("c"));
    assert.notEqual(cache.decode("1-0", fields("a")), a, "the oldest was dropped");
    const c = cache.decode("3-0", fields("c"));
    assert.equal(cache.decode("3-0", fields("c")), c, "the newest is kept");
    cache.clear();
    // After a log restart an id may come again with another message.
    assert.equal(cache.decode("3-0", fields("other"))?.text, "other");
    assert.notEqual(cache.decode("3-0", fields("other")), c);
  });

  it("keeps rooms apart in one store", () => {
    const store = new DecodedStore();
    const r = new DecodedMessages("r", store);
    const s = new DecodedMessages("s", store);
    assert.equal(r.decode("1-0", fields("in r"))?.room, "r");
    assert.equal(s.decode("1-0", fields("in s"))?.room, "s");
    assert.equal(r.decode("1-0", fields("in r"))?.text, "in r");
  });
});
