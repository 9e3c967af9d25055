import assert from "node:assert/strict";
import { describe, it } from "node:test";
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
import { moveSlot, slotOwner } from "../helpers/cluster-slots";
import { skipUnless } from "../helpers/skip";
import { eventually, sleep } from "../helpers/wait";

/**
 * Issue #13: Flare on Redis Cluster keeps its delivery contract while a room's slot moves between
 * masters under chat. Senders behave like the real client (an `unavailable` or a dropped socket
 * makes them resend what was not acked, with the same nonce); receivers resume with `since`.
 */

const skip = skipUnless("redis-server", "Redis Cluster") || skipUnless("redis-cli", "Redis Cluster");

describe("Redis Cluster: a busy room's slot moves to another master", { skip }, () => {
  const fixture = clusterChat({ masters: 3 });
  const { apps, parties } = fixture;

  it(
    "every acked message reaches every receiver exactly once, in order, across two moves",
    { timeout: 120_000 },
    async () => {
      const c = fixture.cluster();
      const rooms = await roomsOnEveryMaster(c, apps[0]!.url);
      parties.push(...(await Promise.all(rooms.map((room) => startParty(room, apps)))));
      const stopChat = chat(parties);
      await sleep(2000);

      // The busy room's slot goes to a second master, then on to the third: both directions of a
      // migration, each held in its migrating state long enough for writes to meet ASK/TRYAGAIN.
      const busy = parties[0]!.room;
      const others = c.nodes.filter((n) => n.role === "master" && n.port !== busy.master).map((n) => n.port);
      for (const to of others) {
        const moved = await moveSlot(c, busy.slot, to, { pauseMs: 500 });
        assert.ok(moved.keysMoved > 0, "the room's keys moved with its slot");
        await eventually(async () => (await slotOwner(c, busy.slot)) === to, 5000, `slot ${busy.slot} on ${to}`);
        await sleep(2000); // chat goes on against the new owner
      }
      stopChat();
      await settle(parties);
      console.log(`[cluster-reshard] ${summary(parties)}`);

      for (const p of parties) {
        const acked = ackedIds(p);
        assert.ok(acked.length >= 20, `room ${p.room.roomId} chatted (${acked.length} acked)`);
        assertNonceContract(p);
        for (const r of p.receivers) {
          const { duplicates, outOfOrderAt } = judgeSequence(r.ids);
          assert.deepEqual(duplicates, [], "nothing delivered twice");
          assert.equal(outOfOrderAt, undefined, "delivered in stream order");
          assert.equal(r.resets, 0, "nothing lost, so no client was told to start over");
          assert.deepEqual(r.ids, acked, "exactly the acked messages, in order");
        }
      }
    },
  );
});
