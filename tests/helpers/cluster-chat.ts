import assert from "node:assert/strict";
import { after, before } from "node:test";
import { compareIds } from "../../lib/protocol";
import { startApp, type AppInstance } from "./app-server";
import { ResendingSender, ResumingReceiver } from "./chat-actors";
import { roomSlot, slotOwner } from "./cluster-slots";
import { Browser } from "./http";
import { startRedisCluster, type RedisCluster } from "./redis-cluster";
import { createRoom, seatedBrowser } from "./rooms";
import { eventually, sleep } from "./wait";

/** Chat in rooms spread over a Redis Cluster's masters, for the resharding and failover tests. */

export type ClusterChat = {
  cluster(): RedisCluster;
  /** Two Flare instances on the cluster. */
  apps: AppInstance[];
  /** One party per master, once the test has started them. */
  parties: Party[];
};

/**
 * For the enclosing describe block: a cluster and two Flare instances on it, started before its
 * tests; after them every party's clients, the instances and the cluster are stopped.
 */
export function clusterChat(shape: { masters: number; replicas?: number }): ClusterChat {
  let cluster: RedisCluster | undefined;
  const fixture: ClusterChat = {
    cluster: () => cluster!,
    apps: [],
    parties: [],
  };
  before(async () => {
    cluster = await startRedisCluster(shape);
    const env = { REDIS_URL: cluster!.url };
    fixture.apps.push(...(await Promise.all([startApp({ env }), startApp({ env })])));
  });
  after(async () => {
    const clients = fixture.parties.flatMap((p) => [...p.senders, ...p.receivers]);
    await Promise.allSettled(clients.map((x) => x.stop()));
    await Promise.allSettled(fixture.apps.map((a) => a.kill()));
    await cluster?.stop();
  });
  return fixture;
}

export type ClusterRoom = { roomId: string; slot: number; master: number; creator: Browser };

/**
 * Private rooms created over HTTP until every master serves one (by the slot of the room's hash
 * tag); returns one room per master. Room ids are random, so a handful of tries is enough.
 */
export async function roomsOnEveryMaster(cluster: RedisCluster, base: string): Promise<ClusterRoom[]> {
  const masters = cluster.nodes.filter((n) => n.role === "master").map((n) => n.port);
  const found = new Map<number, ClusterRoom>();
  for (let tries = 0; found.size < masters.length; tries++) {
    if (tries >= 100) throw new Error(`100 rooms and still masters without one: ${[...found.keys()]}`);
    const creator = new Browser(base);
    const { roomId } = await createRoom(creator, { capacity: 4 });
    const slot = await roomSlot(cluster, roomId);
    const master = await slotOwner(cluster, slot);
    if (!found.has(master)) found.set(master, { roomId, slot, master, creator });
  }
  return masters.map((m) => found.get(m)!);
}

export type Party = { room: ClusterRoom; senders: ResendingSender[]; receivers: ResumingReceiver[] };

/** In `room`: one sender and one receiver on each instance, each with a seat of its own. */
export async function startParty(room: ClusterRoom, apps: AppInstance[]): Promise<Party> {
  // Seat 2i is instance i's sender, 2i+1 its receiver; the creator's browser holds seat 0.
  const seat = async (i: number) => (i === 0 ? room.creator : await seatedBrowser(apps[0]!.url, room.roomId));
  const browsers = await Promise.all(apps.flatMap((_, i) => [seat(2 * i), seat(2 * i + 1)]));
  const make = <P>(k: number, Kind: new (seat: ConstructorParameters<typeof ResendingSender>[0]) => P) =>
    apps.map(
      (app, i) =>
        new Kind({
          url: app.wsUrl,
          room: room.roomId,
          clientId: `${room.roomId.slice(0, 8)}-${k ? "r" : "s"}${i}`,
          cookie: browsers[2 * i + k]!.cookieHeader(),
        }),
    );
  const party = { room, senders: make(0, ResendingSender), receivers: make(1, ResumingReceiver) };
  // Receivers first: everything the senders get acked must reach them.
  await Promise.all(party.receivers.map((r) => r.start()));
  await Promise.all(party.senders.map((s) => s.start()));
  return party;
}

/** Every sender sends one message each `everyMs` (under the per-client rate limit) until the returned stop. */
export function chat(parties: Party[], everyMs = 250): () => void {
  const timer = setInterval(() => {
    for (const p of parties) for (const s of p.senders) s.send();
  }, everyMs);
  return () => clearInterval(timer);
}

/** The ids acked in the party's room, in stream order. */
export function ackedIds(party: Party): string[] {
  return party.senders.flatMap((s) => [...s.acked.values()]).sort(compareIds);
}

/**
 * Waits until no sender has an unacknowledged message, then until every receiver was delivered
 * `expected(party)` (by default all that was acked), then a little longer so a late duplicate
 * would be seen; stops everyone.
 */
export async function settle(
  parties: Party[],
  opts: { timeoutMs?: number; expected?: (p: Party) => string[] | Promise<string[]> } = {},
): Promise<void> {
  const timeoutMs = opts.timeoutMs ?? 20_000;
  const everyone = parties.flatMap((p) => [...p.senders, ...p.receivers]);
  try {
    await eventually(
      () => parties.every((p) => p.senders.every((s) => s.unacked === 0)),
      timeoutMs,
      `every message acked (${summary(parties)})`,
    );
    await eventually(
      async () => {
        for (const p of parties) {
          const want = await (opts.expected ?? ackedIds)(p);
          for (const r of p.receivers) {
            const got = new Set([...r.ids, ...r.fromResets]);
            if (!want.every((id) => got.has(id))) return false;
          }
        }
        return true;
      },
      timeoutMs,
      `every receiver delivered what was acked (${summary(parties)})`,
    );
    await sleep(500);
  } finally {
    await Promise.all(everyone.map((x) => x.stop()));
  }
}

/** Everyone got back in after each drop, no sender's message was refused for good, and every resend of a stored nonce was acked with its first id. */
export function assertNonceContract(p: Party): void {
  for (const x of [...p.senders, ...p.receivers]) assert.equal(x.gaveUp, undefined, "every participant got back in");
  for (const s of p.senders) {
    assert.deepEqual(s.failed, [], "no message refused for good");
    for (const [nonce, ids] of s.ackIds) assert.equal(ids.size, 1, `every ack of ${nonce} carries its first id`);
  }
}

/** One line per room: sent, acked, errors, reconnects, deliveries, resets; for the test log. */
export function summary(parties: Party[]): string {
  return parties
    .map((p) => {
      const errors = p.senders.flatMap((s) => [...s.errors].map(([code, n]) => `${code}×${n}`));
      const reconnects = [...p.senders, ...p.receivers].reduce((n, x) => n + x.reconnects, 0);
      const delivered = p.receivers.map((r) => `${r.ids.length}+${r.fromResets.length}`);
      const gaveUp = [...p.senders, ...p.receivers].filter((x) => x.gaveUp).length;
      return (
        `room ${p.room.roomId} (slot ${p.room.slot}, master ${p.room.master}): acked ${ackedIds(p).length}, ` +
        `unacked ${p.senders.reduce((n, s) => n + s.unacked, 0)}, errors [${errors.join(" ")}], ` +
        `reconnects ${reconnects}, delivered ${delivered.join("/")}, resets ${p.receivers.map((r) => r.resets).join("/")}, gave up ${gaveUp}`
      );
    })
    .join("; ");
}
