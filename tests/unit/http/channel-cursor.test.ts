import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ChannelCursor, channelCursor, CURSOR_START } from "../../../lib/http/channel-cursor";

describe("channel cursor", () => {
  it("round-trips every channel's position through its text", () => {
    const cursor = new ChannelCursor();
    cursor.set("user-1", "1700000000000-0");
    cursor.set("a.b:c_d-e", CURSOR_START);
    const text = cursor.toString();
    assert.equal(text, "user-1@1700000000000-0,a.b:c_d-e@0-0");
    assert.deepEqual(
      channelCursor.parse(text),
      new Map([
        ["user-1", "1700000000000-0"],
        ["a.b:c_d-e", "0-0"],
      ]),
    );
    assert.deepEqual(channelCursor.parse(""), new Map());
  });

  it("only moves forward", () => {
    const cursor = new ChannelCursor();
    cursor.advance("c", "1700000000000-5");
    cursor.advance("c", "1700000000000-4");
    assert.equal(cursor.get("c"), "1700000000000-5");
    cursor.advance("c", "1700000000001-0");
    assert.equal(cursor.get("c"), "1700000000001-0");
  });

  it("refuses anything it did not write", () => {
    for (const bad of ["c", "c@", "@1-0", "c@1", "c@1-0,", "c d@1-0", "c@1-0@2", `${"x".repeat(65)}@1-0`])
      assert.equal(channelCursor.safeParse(bad).success, false, bad);
    const many = Array.from({ length: 101 }, (_, i) => `c${i}@1-0`).join(",");
    assert.equal(channelCursor.safeParse(many).success, false);
  });
});
