import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MemoryBus } from "../../../lib/bus/memory";
import { isFlareError } from "../../../lib/protocol";
import { follow, recorder } from "../../helpers/feed-recorder";

const draft = (text: string, extra: object = {}) => ({ room: "r", clientId: "c", name: "C", text, ...extra });

describe("MemoryBus", () => {
  it("appends with increasing ids and dedupes nonces per clientId", async () => {
    const bus = new MemoryBus("i1");
    const a = await bus.append(draft("one", { nonce: "n" }));
    const again = await bus.append(draft("one", { nonce: "n" }));
    const other = await bus.append({ ...draft("one", { nonce: "n" }), clientId: "d" });
    assert.equal(again.duplicate, true);
    assert.equal(again.message.id, a.message.id);
    assert.equal(other.duplicate, false);
    assert.notEqual(other.message.id, a.message.id);
  });

  it("history: after a held `since` with reset:false, else the newest `limit` with reset:true", async () => {
    const bus = new MemoryBus("i1");
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push((await bus.append(draft(`m${i}`))).message.id);
    assert.deepEqual(
      (await bus.history("r", ids[6], 50)).messages.map((m) => m.id),
      ids.slice(7),
    );
    assert.equal((await bus.history("r", ids[6], 50)).reset, false);
    const reset = await bus.history("r", "1-0", 3);
    assert.equal(reset.reset, true);
    assert.deepEqual(
      reset.messages.map((m) => m.id),
      ids.slice(7),
    );
  });

  it("retains the newest 1000 messages", async () => {
    const bus = new MemoryBus("i1");
    for (let i = 0; i < 1005; i++) await bus.append(draft(`m${i}`));
    const all = await bus.range("r", { limit: 2000 });
    assert.equal(all.length, 1000);
    assert.equal(all[0]!.text, "m5");
  });

  it("range: inclusive bounds; limit from start, else the newest up to end", async () => {
    const bus = new MemoryBus("i1");
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await bus.append(draft(`m${i}`))).message.id);
    assert.deepEqual(
      (await bus.range("r", { start: ids[1], limit: 2 })).map((m) => m.text),
      ["m1", "m2"],
    );
    assert.deepEqual(
      (await bus.range("r", { end: ids[4], limit: 2 })).map((m) => m.text),
      ["m3", "m4"],
    );
    assert.deepEqual(
      (await bus.range("r", { start: ids[2], end: ids[3], limit: 10 })).map((m) => m.text),
      ["m2", "m3"],
    );
  });

  it("a feed delivers what came after the cursor, then live messages, in order", async () => {
    const bus = new MemoryBus("i1");
    const first = await bus.append(draft("before"));
    await bus.append(draft("missed"));
    const r = recorder();
    const stop = await follow(bus, "r", first.message.id, r);
    await bus.append(draft("live"));
    stop();
    await bus.append(draft("after stop"));
    assert.deepEqual(
      r.messages.map((m) => m.text),
      ["missed", "live"],
    );
  });

  it("presence: announce once per clientId; settleLeave true once, only without live connections", async () => {
    const bus = new MemoryBus("i1");
    const c = { clientId: "c", name: "C" };
    const b = { clientId: "b", name: "B" };
    assert.deepEqual(await bus.presence.add("r", { connectionId: "k1", ...c }), {
      announce: true,
      presence: { count: 1, users: [c] },
    });
    assert.equal((await bus.presence.add("r", { connectionId: "k2", ...c })).announce, false);
    const { presence } = await bus.presence.add("r", { connectionId: "k3", ...b });
    assert.deepEqual(presence, { count: 2, users: [b, c] });
    assert.deepEqual(await bus.presence.list("r"), presence);
    await bus.presence.remove("r", "k1");
    assert.equal(await bus.presence.settleLeave("r", "c"), false);
    await bus.presence.remove("r", "k2");
    assert.equal(await bus.presence.settleLeave("r", "c"), true);
    assert.equal(await bus.presence.settleLeave("r", "c"), false);
  });

  it("a room it does not know is gone: writes fail with room_not_found, and a late removal recreates nothing", async () => {
    const live = new Set(["r"]);
    const bus = new MemoryBus("i1", { roomExists: (room) => live.has(room) });
    await bus.append(draft("kept"));
    await bus.presence.add("r", { connectionId: "k1", clientId: "c", name: "C" });
    live.delete("r");
    await bus.deleteRoom("r");
    await assert.rejects(bus.append(draft("too late")), (e: unknown) => isFlareError(e) && e.code === "room_not_found");
    await bus.presence.remove("r", "k1");
    assert.deepEqual(await bus.presence.list("r"), { count: 0, users: [] });
    assert.deepEqual((await bus.history("r", undefined, 50)).messages, []);
  });
});
