import assert from "node:assert/strict";
import { it } from "node:test";
import { CLOSE_CODES, FRAME_BURST } from "../../lib/protocol";
import { forEachTopology } from "../helpers/topology";
import { eventually, sleep, within } from "../helpers/wait";
import { TestClient } from "../helpers/ws-client";

/** The contract's 30 s / 60 s / 10 s, shortened so the suite runs in seconds. */
const PING_INTERVAL_MS = 500;
const PONG_TIMEOUT_MS = 1500;
const JOIN_TIMEOUT_MS = 1500;

let seq = 0;
const uid = (p: string) => `${p}-${process.pid}-${++seq}`;

/** Contract v1.1 rule 4: server pings, the join timeout (4002) and the per-connection frame budget. */
forEachTopology(
  "WebSocket liveness",
  (t) => {
    it("a socket that stops answering pings leaves presence, and 'left' follows", async () => {
      const ghostId = uid("ghost");
      const ghost = await TestClient.join(t.ws(0), { clientId: ghostId }, { autoPong: false });
      // On another instance when there is one: the change must cross instances.
      const observer = await TestClient.join(t.ws(1), { clientId: uid("observer") });
      await observer.waitFor((f) => f.type === "presence" && f.users.some((u) => u.clientId === ghostId));
      const since = observer.frames.length;

      const { code } = await within(ghost.closed, PING_INTERVAL_MS + PONG_TIMEOUT_MS + 5000, "the drop");
      assert.equal(code, 1006, "dropped without a closing handshake");
      await observer.waitFor(
        (f) => f.type === "presence" && !f.users.some((u) => u.clientId === ghostId),
        5000,
        "presence without the silent socket",
        since,
      );
      await observer.waitFor(
        (f) => f.type === "message" && f.message.event === "left" && f.message.clientId === ghostId,
        5000,
        "the 'left' message",
        since,
      );
      // The observer answered every ping the whole time and is still here.
      await observer.sync();
      await observer.close();
    });

    it("a socket answering pings stays open well past the pong timeout", async () => {
      const c = await TestClient.join(t.ws(0), { clientId: uid("steady") });
      let pings = 0;
      c.ws.on("ping", () => pings++);
      await sleep(PONG_TIMEOUT_MS + 2 * PING_INTERVAL_MS);
      assert.ok(pings >= 2, `server sent ${pings} pings`);
      await c.sync();
      await c.close();
    });

    it("an unjoined socket is closed with 4002 after the join timeout; a joined one is not", async () => {
      const opened = Date.now();
      const idle = await TestClient.connect(t.ws(0));
      const joined = await TestClient.join(t.ws(0), { clientId: uid("joined") });
      // Pings are no join: the idle socket is answered and still closed.
      idle.send({ type: "ping" });
      await idle.next("pong");
      const { code } = await within(idle.closed, JOIN_TIMEOUT_MS + 5000, "the 4002 close");
      assert.equal(code, CLOSE_CODES.joinTimeout);
      assert.ok(Date.now() - opened >= JOIN_TIMEOUT_MS - 50, `closed after ${Date.now() - opened} ms`);
      await sleep(JOIN_TIMEOUT_MS);
      await joined.sync();
      await joined.close();
    });

    it("frames past the burst get rate_limited and are ignored; the connection stays open and works", async () => {
      const c = await TestClient.join(t.ws(0), { clientId: uid("flood") });
      const from = c.frames.length;
      // Back to back, in one tick: they arrive far faster than the budget refills (100/s).
      for (let i = 0; i < 500; i++) c.send({ type: "ping" });
      // The room's own frames (its presence, the "joined" message) may still arrive in between:
      // only pongs and rate_limited errors answer the pings.
      const answers = () => c.frames.slice(from).filter((f) => f.type === "pong" || f.type === "error");
      await eventually(() => answers().length >= 500, 10_000, "an answer to each of the 500 frames");
      await sleep(200);
      const pongs = answers().filter((f) => f.type === "pong").length;
      const limited = answers().filter((f) => f.type === "error" && f.code === "rate_limited").length;
      assert.equal(pongs + limited, 500, "one answer per frame: a pong or rate_limited, nothing else");
      assert.equal(answers().length, 500, "no other error");
      assert.ok(pongs >= FRAME_BURST, `${pongs} pongs`);
      assert.ok(limited >= 50, `${limited} rate_limited`);

      // Once the budget refills the same connection is served again, messages included.
      await sleep(1000);
      c.send({ type: "message", text: "still here", nonce: "after-flood" });
      const ack = await c.waitFor((f) => f.type === "ack" && f.nonce === "after-flood");
      assert.equal(ack.type, "ack");
      await c.close();
    });
  },
  {
    env: {
      PING_INTERVAL_MS: String(PING_INTERVAL_MS),
      PONG_TIMEOUT_MS: String(PONG_TIMEOUT_MS),
      JOIN_TIMEOUT_MS: String(JOIN_TIMEOUT_MS),
      LEAVE_GRACE_MS: "300",
    },
  },
);
