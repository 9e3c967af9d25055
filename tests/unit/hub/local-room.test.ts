import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MemoryBus } from "../../../lib/bus/memory";
import { LocalRoom, presenceDelayMs } from "../../../lib/hub/local-room";
import { RoomMember } from "../../../lib/hub/member";
import { CLOSE_CODES, PRESENCE_MAX_USERS, type ServerFrame } from "../../../lib/protocol";

/** A room member that records what the room sends it. */
class Recorded extends RoomMember {
  readonly frames: ServerFrame[] = [];
  closedWith: number | undefined;
  constructor(
    readonly id: string,
    clientId = "",
  ) {
    super();
    this.clientId = clientId;
  }
  push(frame: ServerFrame): void {
    this.frames.push(frame);
  }
  close(code: number): void {
    this.closedWith = code;
    this.state = "closed";
  }
  get types(): string[] {
    return this.frames.map((f) => f.type);
  }
}

const draft = (text: string) => ({ room: "r", clientId: "c", name: "C", text });

function room(bus = new MemoryBus("i1")) {
  const empties: LocalRoom[] = [];
  const r = new LocalRoom("r", bus, { empty: (x) => empties.push(x), reset: () => {} });
  return { bus, room: r, empties };
}

/** Into presence as the hub does it: the room's mark, then the add (which reads the set). */
async function added(bus: MemoryBus, r: LocalRoom, id: string, clientId: string, name: string) {
  const mark = r.presenceMark;
  const { presence } = await bus.presence.add("r", { connectionId: id, clientId, name });
  return { mark, presence };
}

/** A person joining as the hub does it: into presence, admitted, then the arrival signalled. */
async function arrive(bus: MemoryBus, r: LocalRoom, id: string, clientId: string, name: string): Promise<Recorded> {
  const m = new Recorded(id, clientId);
  const arrival = await added(bus, r, id, clientId, name);
  assert.equal(await r.admit(m, { arrival }), true);
  r.schedulePresence();
  return m;
}

/** Counts the bus's presence reads from now on. */
function countPresenceReads(bus: MemoryBus): () => number {
  let reads = 0;
  const list = bus.presence.list.bind(bus.presence);
  bus.presence.list = (room) => {
    reads++;
    return list(room);
  };
  return () => reads;
}

async function waitUntil(predicate: () => boolean, timeoutMs = 1000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Room "r"'s presence with Ann (c1) and Bo (c2) online. */
const ANN_AND_BO = {
  type: "presence",
  room: "r",
  count: 2,
  users: [
    { clientId: "c1", name: "Ann" },
    { clientId: "c2", name: "Bo" },
  ],
};
describe("LocalRoom", () => {
  it("admits a member with history, then presence, then live messages", async () => {
    const { bus, room: r } = room();
    await bus.append(draft("old"));
    await bus.presence.add("r", { connectionId: "k1", clientId: "c1", name: "Ann" });
    const m = new Recorded("k1", "c1");
    assert.equal(await r.admit(m), true);
    await bus.append(draft("live"));
    assert.deepEqual(m.types, ["history", "presence", "message"]);
    assert.deepEqual(m.frames[1], { type: "presence", room: "r", count: 1, users: [{ clientId: "c1", name: "Ann" }] });
    assert.equal(m.state, "joined");
  });

  it(`a presence frame lists at most ${PRESENCE_MAX_USERS} users and counts everyone`, async () => {
    const { bus, room: r } = room();
    for (let i = 0; i < 250; i++)
      await bus.presence.add("r", { connectionId: `k${i}`, clientId: `c${i}`, name: `N${String(i).padStart(3, "0")}` });
    const m = new Recorded("k0", "c0");
    assert.equal(await r.admit(m), true);
    const frame = m.frames.find((f) => f.type === "presence");
    assert.ok(frame?.type === "presence");
    assert.equal(frame.count, 250);
    assert.deepEqual(
      frame.users.map((u) => u.clientId),
      Array.from({ length: PRESENCE_MAX_USERS }, (_, i) => `c${i}`),
      "the first to come, by name",
    );
    assert.ok(Buffer.byteLength(JSON.stringify(frame)) < 8 * 1024);
  });

  it("resumes a member after its `since`, and serialises each live message once for every member", async () => {
    const { bus, room: r } = room();
    const first = await bus.append(draft("seen"));
    await bus.append(draft("missed"));
    const a = new Recorded("a");
    const b = new Recorded("b");
    await r.admit(a, { since: first.message.id });
    await r.admit(b);
    await bus.append(draft("live"));
    assert.deepEqual(a.frames[0], {
      type: "history",
      room: "r",
      messages: [(await bus.history("r", first.message.id, 50)).messages[0]],
      reset: false,
    });
    const live = (m: Recorded) => m.frames.filter((f) => f.type === "message");
    assert.equal(live(a).length, 1);
    assert.equal(live(b).length, 1);
  });

  it("does not admit a member that closed while its history was read, and forgets an empty room", async () => {
    const { room: r, empties } = room();
    const m = new Recorded("k1", "c1");
    const admitting = r.admit(m);
    m.state = "closed";
    assert.equal(await admitting, false);
    assert.equal(r.members.size, 0);
    assert.deepEqual(empties, [r]);
  });

  it("relays typing to joined members except the typer's own connections", async () => {
    const { room: r } = room();
    const typer = new Recorded("k1", "c1");
    const typerOtherTab = new Recorded("k2", "c1");
    const other = new Recorded("k3", "c2");
    for (const m of [typer, typerOtherTab, other]) await r.admit(m);
    r.onEvent({ kind: "typing", room: "r", clientId: "c1", name: "Ann" });
    assert.equal(typer.types.includes("typing"), false);
    assert.equal(typerOtherTab.types.includes("typing"), false);
    assert.deepEqual(other.frames.at(-1), { type: "typing", room: "r", clientId: "c1", name: "Ann" });
  });

  it("sends a changed presence set only to the members whose view changed", async () => {
    const { bus, room: r } = room();
    await bus.presence.add("r", { connectionId: "k1", clientId: "c1", name: "Ann" });
    const a = new Recorded("k1", "c1");
    await r.admit(a);
    const before = a.frames.length;
    r.schedulePresence();
    await new Promise((res) => setTimeout(res, presenceDelayMs(1) + 20));
    assert.equal(a.frames.length, before, "unchanged set is not sent again");
    await bus.presence.add("r", { connectionId: "k2", clientId: "c2", name: "Bo" });
    r.schedulePresence();
    await waitUntil(() => a.frames.length === before + 1);
    assert.deepEqual(a.frames.at(-1), ANN_AND_BO);
  });

  it("an arrival's add reads the set for the joiner and for the refresh its join schedules", async () => {
    const { bus, room: r } = room();
    const reads = countPresenceReads(bus);
    const a = await arrive(bus, r, "k1", "c1", "Ann");
    const b = await arrive(bus, r, "k2", "c2", "Bo");
    await waitUntil(() => a.frames.filter((f) => f.type === "presence").length === 2);
    await new Promise((res) => setTimeout(res, presenceDelayMs(2) + 20));
    assert.equal(reads(), 0, "the adds' own reads serve");
    assert.deepEqual(a.frames.at(-1), ANN_AND_BO);
    assert.deepEqual(
      b.frames.filter((f) => f.type === "presence"),
      [ANN_AND_BO],
      "the joiner is not sent its set twice",
    );
  });

  it("a change signalled after an arrival's read is read again before everyone is told", async () => {
    const { bus, room: r } = room();
    const a = await arrive(bus, r, "k1", "c1", "Ann");
    const reads = countPresenceReads(bus);
    const b = new Recorded("k2", "c2");
    assert.equal(await r.admit(b, { arrival: await added(bus, r, "k2", "c2", "Bo") }), true);
    await bus.presence.add("r", { connectionId: "k3", clientId: "c3", name: "Cy" });
    r.onEvent({ kind: "presence", room: "r" });
    r.schedulePresence();
    await waitUntil(() => (a.frames.at(-1) as { count?: number }).count === 3);
    assert.equal(reads(), 1);
  });

  it("a change signalled before the joiner's presence frame is read again for it", async () => {
    const { bus, room: r } = room();
    await arrive(bus, r, "k1", "c1", "Ann");
    const reads = countPresenceReads(bus);
    const b = new Recorded("k2", "c2");
    const arrival = await added(bus, r, "k2", "c2", "Bo");
    await bus.presence.add("r", { connectionId: "k3", clientId: "c3", name: "Cy" });
    const admitting = r.admit(b, { arrival });
    // Another instance's change, heard while b's history is read: b's add did not see it.
    r.onEvent({ kind: "presence", room: "r" });
    assert.equal(await admitting, true);
    r.schedulePresence();
    const counts = () => b.frames.flatMap((f) => (f.type === "presence" ? [f.count] : []));
    await waitUntil(() => counts().at(-1) === 3);
    assert.equal(reads(), 1, "read once, for everyone");
  });

  it("an arrival that is not admitted leaves later changes signalled", async () => {
    const { bus, room: r } = room();
    const a = await arrive(bus, r, "k1", "c1", "Ann");
    const b = new Recorded("k2", "c2");
    const admitting = r.admit(b, { arrival: { mark: r.presenceMark, presence: await bus.presence.list("r") } });
    b.state = "closed";
    assert.equal(await admitting, false);
    await bus.presence.add("r", { connectionId: "k3", clientId: "c3", name: "Cy" });
    r.schedulePresence();
    await waitUntil(() => (a.frames.at(-1) as { count?: number }).count === 2);
  });

  it("ends: every member gets `destroyed` and is closed with 4010", async () => {
    const { room: r } = room();
    const a = new Recorded("a", "c1");
    const s = new Recorded("s");
    await r.admit(a);
    await r.admit(s);
    r.end("destroyed");
    for (const m of [a, s]) {
      assert.deepEqual(m.frames.at(-1), { type: "destroyed", room: "r", reason: "destroyed" });
      assert.equal(m.closedWith, CLOSE_CODES.roomEnded);
    }
  });
});
