import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  addEntry,
  dueEntries,
  markWritten,
  nextRetryAt,
  patchEntry,
  refuse,
  removeEntry,
  resend,
  RETRY_DELAYS,
  settleAck,
  settleArrived,
  type Outbox,
} from "../../../lib/client/outbox";
import { defaultMessage, type Message } from "../../../lib/protocol";
import { entry } from "./fixtures";

const mine = (id: string, nonce?: string): Message => ({
  id,
  room: "lobby",
  clientId: "me",
  name: "Me",
  text: "t",
  ts: 1,
  ...(nonce ? { nonce } : {}),
});

const nonces = (o: Outbox) => o.map((e) => e.nonce);

describe("outbox", () => {
  it("adds in order, patches and removes by nonce, and keeps the list when nothing changes", () => {
    const o = addEntry(addEntry([], entry("a")), entry("b"));
    assert.deepEqual(nonces(o), ["a", "b"]);
    assert.equal(patchEntry(o, "zzz", { status: "failed" }), o);
    assert.equal(removeEntry(o, "zzz"), o);
    assert.equal(patchEntry(o, "b", { status: "failed" })[1]!.status, "failed");
    assert.equal(o[1]!.status, "sending", "entries are not mutated");
    assert.deepEqual(nonces(removeEntry(o, "a")), ["b"]);
  });

  it("due: sending entries not yet written on this generation and not waiting for a retry", () => {
    const o: Outbox = [
      entry("fresh"),
      entry("written", { sentOn: 2 }),
      entry("older", { sentOn: 1 }),
      entry("waits", { retryAt: 500 }),
      entry("ready", { retryAt: 100 }),
      entry("failed", { status: "failed" }),
      entry("acked", { status: "sent", id: "1-0" }),
    ];
    assert.deepEqual(nonces(dueEntries(o, 2, 100)), ["fresh", "older", "ready"]);
    assert.deepEqual(nonces(dueEntries(o, 3, 500)), ["fresh", "written", "older", "waits", "ready"]);
  });

  it("markWritten records the generation and clears the retry time", () => {
    const o = markWritten([entry("a", { retryAt: 50 })], "a", 4);
    assert.equal(o[0]!.sentOn, 4);
    assert.equal(o[0]!.retryAt, undefined);
    assert.deepEqual(nonces(dueEntries(o, 4, 1000)), []);
  });

  it("nextRetryAt: the earliest wait among sending entries", () => {
    assert.equal(nextRetryAt([entry("a")]), undefined);
    assert.equal(
      nextRetryAt([
        entry("a", { retryAt: 900 }),
        entry("b", { retryAt: 300 }),
        entry("c", { status: "failed", retryAt: 1 }),
      ]),
      300,
    );
  });

  it("settleArrived removes own entries by nonce or acked id, never someone else's", () => {
    const o: Outbox = [entry("a"), entry("b", { status: "sent", id: "2-0" }), entry("c")];
    assert.deepEqual(nonces(settleArrived(o, [mine("1-0", "a"), mine("2-0")], "me")), ["c"]);
    assert.equal(settleArrived(o, [{ ...mine("1-0", "a"), clientId: "other" }], "me"), o);
  });

  it("settleAck: sent with its id, or gone when the message is already shown", () => {
    const o: Outbox = [entry("a", { retryAt: 5 }), entry("b")];
    const acked = settleAck(o, "a", "9-0", []);
    assert.deepEqual(acked[0], { ...entry("a"), status: "sent", id: "9-0", retryAt: undefined, error: undefined });
    assert.deepEqual(nonces(settleAck(o, "b", "9-1", [mine("9-1")])), ["a"]);
  });

  it("refuse: content errors fail with a readable reason", () => {
    const o: Outbox = [entry("a", { sentOn: 1 })];
    const tooLong = refuse(o, "a", "too_long", 0, () => 0)[0]!;
    assert.deepEqual(
      [tooLong.status, tooLong.error, tooLong.sentOn],
      ["failed", defaultMessage("too_long"), undefined],
    );
    assert.equal(refuse(o, "a", "empty", 0, () => 0)[0]!.error, defaultMessage("empty"));
    assert.match(refuse(o, "a", "bad_frame", 0, () => 0)[0]!.error!, /could not accept/);
  });

  it("refuse: rate_limited and everything else wait with jitter, keeping the nonce", () => {
    const o: Outbox = [entry("a", { sentOn: 1 })];
    const { rateLimited, other } = RETRY_DELAYS;
    const slow = refuse(o, "a", "rate_limited", 1000, () => 1)[0]!;
    assert.deepEqual([slow.status, slow.nonce, slow.sentOn], ["sending", "a", undefined]);
    assert.equal(slow.retryAt, 1000 + rateLimited.baseMs + rateLimited.jitterMs);
    assert.equal(refuse(o, "a", "rate_limited", 1000, () => 0)[0]!.retryAt, 1000 + rateLimited.baseMs);
    for (const code of ["unavailable", "not_joined"] as const)
      assert.equal(refuse(o, "a", code, 1000, () => 0.5)[0]!.retryAt, 1000 + other.baseMs + other.jitterMs / 2);
  });

  it("resend puts a failed entry back to sending, with the same nonce", () => {
    const o = resend([entry("a", { status: "failed", error: "no", sentOn: 3 })], "a");
    assert.deepEqual(o[0], {
      ...entry("a"),
      status: "sending",
      error: undefined,
      sentOn: undefined,
      retryAt: undefined,
    });
  });
});
