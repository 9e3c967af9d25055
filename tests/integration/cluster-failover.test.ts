import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { roomKeys } from "../../lib/redis/keys";
import { judgeSequence } from "../helpers/chat-actors";
import {
  ackedIds,
  assertNonceContract,
  chat,
  clusterChat,
  roomsOnEveryMaster,
  settle,
  startParty,
  summary,
} from "../helpers/cluster-chat";
import { slotOwner } from "../helpers/cluster-slots";
import { skipUnless } from "../helpers/skip";
import { eventually, sleep } from "../helpers/wait";

/**
 * Issue #13: a Redis Cluster master dies (SIGKILL) under chat and its replica takes over.
 *
 * What can be lost: Redis replicates asynchronously. An append is acked once the master ran the
 * script; the replica receives it a moment later. Messages acked (and possibly delivered live) in
 * that moment before the kill never reach the replica: after the promotion the room's stream does
 * not hold them, the senders (who got their ack) do not resend them, and a receiver resuming from
 * one of them is told to start over (reset:true). Only a WAIT for the replica before the ack would
 * close that window, at a round trip per message. So the test holds the product to what it can
 * keep: every acked message the promoted replica holds is delivered to every receiver exactly
 * once, in order; messages of the rooms on the surviving masters are not lost at all; and it
 * reports how many acked messages were lost (usually none on loopback, where replication is fast).
 */

const skip = skipUnless("redis-server", "Redis Cluster") || skipUnless("redis-cli", "Redis Cluster");
const OUTAGE_BOUND_MS = 15_000;

describe("Redis Cluster: the master of a busy room dies and its replica takes over", { skip }, () => {
  const fixture = clusterChat({ masters: 3, replicas: 1 });
  const { apps, parties } = fixture;

  it(
    "chat resumes within seconds; what the replica holds is delivered exactly once, in order",
    { timeout: 120_000 },
    async () => {
      const c = fixture.cluster();
      const rooms = await roomsOnEveryMaster(c, apps[0]!.url);
      parties.push(...(await Promise.all(rooms.map((room) => startParty(room, apps)))));
      const stopChat = chat(parties);
      await sleep(2000);

      const doomed = parties[0]!;
      const victim = doomed.room.master;
      const killedAt = Date.now();
      await c.killNode(victim);
      const promoted = await eventually(
        async () => {
          const owner = await slotOwner(c, doomed.room.slot);
          return owner !== victim && owner;
        },
        OUTAGE_BOUND_MS,
        "the replica's promotion",
      );
      const promotedAt = Date.now();
      await eventually(
        () => doomed.senders.every((s) => s.lastAckAt > promotedAt),
        Math.max(1, killedAt + OUTAGE_BOUND_MS - Date.now()),
        `chat acked again in the room within ${OUTAGE_BOUND_MS} ms of the kill (${summary([doomed])})`,
      );
      const outageMs = Math.min(...doomed.senders.map((s) => s.lastAckAt)) - killedAt;
      await sleep(2000); // chat goes on against the promoted replica
      stopChat();

      const stored = async () =>
        (await c.admin(promoted).xrange(roomKeys(doomed.room.roomId).messages, "-", "+")).map(([id]) => id);
      await settle(parties, {
        timeoutMs: 30_000,
        expected: async (p) => {
          if (p !== doomed) return ackedIds(p);
          const held = new Set(await stored());
          return ackedIds(p).filter((id) => held.has(id));
        },
      });

      const held = new Set(await stored());
      const acked = ackedIds(doomed);
      const lost = acked.filter((id) => !held.has(id));
      const kept = acked.filter((id) => held.has(id));
      const ghosts = doomed.receivers.flatMap((r) => r.ids.filter((id) => !held.has(id)));
      console.log(
        `[cluster-failover] master ${victim} killed, replica ${promoted} promoted after ${promotedAt - killedAt} ms, ` +
          `room chatting again after ${outageMs} ms; acked ${acked.length}, lost ${lost.length} ` +
          `(acked before the dead master replicated them), delivered-then-lost ${ghosts.length}; ${summary(parties)}`,
      );

      assert.ok(kept.length >= 20, `the room chatted (${kept.length} acked and held)`);
      assert.ok(lost.length < acked.length / 2, `lost ${lost.length} of ${acked.length}: more than a replication lag`);
      for (const p of parties) {
        assertNonceContract(p);
        const want = p === doomed ? kept : ackedIds(p);
        for (const r of p.receivers) {
          const { duplicates, outOfOrderAt } = judgeSequence(r.ids);
          assert.deepEqual(duplicates, [], "nothing delivered twice");
          assert.equal(outOfOrderAt, undefined, "delivered in stream order");
          if (p !== doomed) assert.equal(r.resets, 0, "the surviving masters' rooms lost nothing");
          const delivered = [...r.ids, ...r.fromResets].filter((id) => p !== doomed || held.has(id));
          assert.equal(delivered.length, want.length, "each exactly once");
          assert.deepEqual(
            new Set(delivered),
            new Set(want),
            "exactly the acked messages the room holds (and, off the dead master, all acked)",
          );
        }
      }
    },
  );
});
