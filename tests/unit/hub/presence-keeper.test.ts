import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MemoryBus } from "../../../lib/bus/memory";
import type { LocalRoom } from "../../../lib/hub/local-room";
import { PresenceKeeper } from "../../../lib/hub/presence-keeper";
import { installRequestContext, pendingBackgroundWork } from "../../../lib/server/request-context";

describe("PresenceKeeper", () => {
  it("hands the work after a socket closed to waitUntil: presence removal, then the 'left' after the grace", async () => {
    installRequestContext(); // what server.ts does; on Vercel the runtime provides waitUntil
    const bus = new MemoryBus("i1");
    const keeper = new PresenceKeeper(bus, new Map<string, LocalRoom>(), { leaveGraceMs: 50, heartbeatMs: 60_000 });
    await bus.presence.add("lobby", { connectionId: "k1", clientId: "c1", name: "Ann" });

    keeper.left({ id: "k1", roomId: "lobby", clientId: "c1", name: "Ann" });
    await pendingBackgroundWork();

    assert.deepEqual(await bus.presence.list("lobby"), { count: 0, users: [] });
    const history = await bus.history("lobby", undefined, 50);
    assert.deepEqual(
      history.messages.map((m) => [m.text, m.event]),
      [["Ann left", "left"]],
    );
  });

  it("a clientId that comes back within the grace gets no 'left'", async () => {
    installRequestContext();
    const bus = new MemoryBus("i1");
    const keeper = new PresenceKeeper(bus, new Map<string, LocalRoom>(), { leaveGraceMs: 50, heartbeatMs: 60_000 });
    await bus.presence.add("lobby", { connectionId: "k1", clientId: "c1", name: "Ann" });
    keeper.left({ id: "k1", roomId: "lobby", clientId: "c1", name: "Ann" });
    await bus.presence.add("lobby", { connectionId: "k2", clientId: "c1", name: "Ann" });
    await pendingBackgroundWork();
    assert.deepEqual((await bus.history("lobby", undefined, 50)).messages, []);
  });
});
