import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  checkText,
  cleanName,
  compareIds,
  isMessageId,
  IdSequence,
  parseClientFrame,
  parseServerFrame,
} from "../../../lib/protocol";
import { messageFrame } from "../../../lib/protocol/client-frames";

describe("parseClientFrame", () => {
  it("accepts every client frame of the contract", () => {
    for (const f of [
      { type: "join", room: "lobby", clientId: "a_B-9", name: "Swift Otter", since: "1-0" },
      { type: "message", text: "hi", nonce: "n" },
      { type: "message", text: "hi" },
      { type: "typing" },
      { type: "ping" },
    ]) {
      const r = parseClientFrame(JSON.stringify(f));
      assert.ok(r.ok, JSON.stringify(r));
      assert.equal(r.frame.type, f.type);
    }
  });

  it("answers message frames as the messageFrame schema does (they skip zod when well-formed)", () => {
    const nonces = [undefined, "n", "x".repeat(64), "x".repeat(65), "", 7, null, ["n"], { n: 1 }, "é".repeat(64)];
    for (const nonce of nonces) {
      for (const extra of [{}, { room: "elsewhere", clientId: "someone" }]) {
        const input = { type: "message", text: "  hi  ", ...extra, ...(nonce !== undefined ? { nonce } : {}) };
        const byHand = parseClientFrame(JSON.stringify(input));
        const bySchema = messageFrame.safeParse({ ...input, text: "hi" });
        const what = JSON.stringify(input);
        assert.equal(byHand.ok, bySchema.success, what);
        if (byHand.ok && bySchema.success) assert.deepEqual(byHand.frame, bySchema.data, what);
        if (!byHand.ok) assert.equal(byHand.code, "bad_frame", what);
      }
    }
  });

  it("cleans names: control characters removed, then trimmed, 1–40 code points", () => {
    const r = parseClientFrame(
      JSON.stringify({ type: "join", room: "lobby", clientId: "c", name: "\u0001  Ada\u0000 \n" }),
    );
    assert.ok(r.ok && r.frame.type === "join");
    assert.equal(r.frame.name, "Ada");
    assert.equal(cleanName("a\u0085b"), "ab");
    const long = parseClientFrame(JSON.stringify({ type: "join", room: "lobby", clientId: "c", name: "é".repeat(41) }));
    assert.deepEqual(long.ok ? "ok" : long.code, "bad_frame");
    const emoji = parseClientFrame(
      JSON.stringify({ type: "join", room: "lobby", clientId: "c", name: "🦦".repeat(40) }),
    );
    assert.ok(emoji.ok, "40 code points of emoji is a valid name");
  });

  it("trims message text and counts code points", () => {
    assert.deepEqual(checkText("  x "), { ok: true, text: "x" });
    assert.deepEqual(checkText(" \n "), { ok: false, code: "empty" });
    assert.equal(checkText("😀".repeat(1000)).ok, true);
    assert.deepEqual(checkText("😀".repeat(1001)), { ok: false, code: "too_long" });
  });

  it("empty / too_long take precedence over other field errors and keep the nonce", () => {
    const r = parseClientFrame(JSON.stringify({ type: "message", text: "   ", nonce: "k", extra: 1 }));
    assert.deepEqual(r.ok ? null : [r.code, r.nonce], ["empty", "k"]);
    const r2 = parseClientFrame(JSON.stringify({ type: "message", text: "y".repeat(1001), nonce: 5 }));
    assert.deepEqual(r2.ok ? null : r2.code, "too_long");
  });

  it("refuses non-objects, unknown types and wrong fields with bad_frame", () => {
    for (const raw of [
      "",
      "nope",
      "[]",
      "1",
      "null",
      '{"type":"x"}',
      '{"type":"message"}',
      '{"type":"join","room":"lobby","clientId":"a b","name":"n"}',
    ]) {
      const r = parseClientFrame(raw);
      assert.equal(r.ok, false, raw);
      assert.equal(!r.ok && r.code, "bad_frame", raw);
    }
  });
});

describe("parseServerFrame", () => {
  it("validates server frames and rejects unknown shapes", () => {
    assert.equal(parseServerFrame('{"type":"pong"}').ok, true);
    assert.equal(parseServerFrame('{"type":"ack","nonce":"n"}').ok, false);
    assert.equal(parseServerFrame("garbage").ok, false);
  });
});

describe("message ids", () => {
  it("compare by milliseconds, then sequence, numerically", () => {
    assert.equal(compareIds("2-0", "10-0"), -1);
    assert.equal(compareIds("10-2", "10-10"), -1);
    assert.equal(compareIds("5-5", "5-5"), 0);
    assert.equal(compareIds("1732300000000-1", "1732300000000-0"), 1);
    assert.equal(compareIds("9999999999999999-0", "1-9999999999999999"), 1);
    assert.throws(() => compareIds("x", "1-0"), /not a message id: x/);
    assert.throws(() => compareIds("1-0", "1-0-0"), /not a message id: 1-0-0/);
  });

  it("are 1–16 digits, a dash, 1–16 digits, and nothing else", () => {
    for (const id of ["0-0", "1732300000000-0", "01-002", `${"9".repeat(16)}-${"9".repeat(16)}`])
      assert.equal(isMessageId(id), true, id);
    for (const id of [
      "",
      "-",
      "1-",
      "-1",
      "1",
      "1-0-0",
      " 1-0",
      "1-0 ",
      "1_0",
      "a-0",
      "0-b",
      `${"1".repeat(17)}-0`,
      `0-${"1".repeat(17)}`,
      "１-0",
    ])
      assert.equal(isMessageId(id), false, id);
  });

  it("IdSequence is strictly increasing, even when the clock stalls or goes back", () => {
    const seq = new IdSequence();
    const ids = [seq.next(100), seq.next(100), seq.next(99), seq.next(101)];
    assert.deepEqual(ids, ["100-0", "100-1", "100-2", "101-0"]);
  });
});
