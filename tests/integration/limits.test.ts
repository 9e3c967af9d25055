import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import WebSocket from "ws";
import { PEER_ADDRESS_HEADER } from "../../lib/server/client-address";
import { startApp, type AppInstance } from "../helpers/app-server";
import { startRedis, type RedisServer } from "../helpers/redis-server";
import { skipUnless } from "../helpers/skip";
import { eventually } from "../helpers/wait";
import { TestClient } from "../helpers/ws-client";

/**
 * Limits per client address (protocol v1.1), with the limits on (no loopback exemption). Every
 * client here connects from 127.0.0.1; behind TRUST_PROXY_HOPS=1 the address each one claims in
 * X-Forwarded-For stands for a different machine behind a proxy.
 */

const JOINS = 5;
const SOCKETS = 3;

function xff(address: string): Record<string, string> {
  return { "x-forwarded-for": address };
}

/** Opens a socket as `address` and joins `room`: "joined" or the error code it got instead. */
async function tryJoin(url: string, address: string, clientId: string, room = "lobby") {
  const client = await TestClient.connect(url, { headers: xff(address) });
  client.send({ type: "join", room, clientId, name: clientId });
  const answer = await client.waitFor((f) => f.type === "history" || f.type === "error");
  return { client, outcome: answer.type === "error" ? answer.code : "joined" };
}

/** The HTTP status an upgrade gets (101 when it opened; the socket is closed again). */
function upgradeStatus(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
    ws.on("open", () => {
      resolve(101);
      ws.close();
    });
    ws.on("error", () => {});
  });
}

async function createRoom(base: string, headers: Record<string, string>): Promise<number> {
  const res = await fetch(`${base}/api/rooms`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: "{}",
  });
  await res.body?.cancel();
  return res.status;
}

describe("limits per client address, behind one trusted proxy hop [memory]", () => {
  let app: AppInstance;
  before(async () => {
    app = await startApp({
      env: {
        RATE_LIMIT_EXEMPT: "",
        TRUST_PROXY_HOPS: "1",
        LIMIT_JOINS_PER_MINUTE: String(JOINS),
        LIMIT_SOCKETS_PER_ADDRESS: String(SOCKETS),
        LIMIT_ROOMS_PER_HOUR: "2",
        LIMIT_SEAT_CLAIMS_PER_MINUTE: "2",
        LIMIT_SSE_STREAMS_PER_ADDRESS: "1",
      },
    });
  });
  after(() => app.kill());

  it("churn: one address opening, joining and closing in a loop is refused past the limit; the lobby keeps real messages and a real user is never cut", async () => {
    const user = await TestClient.connect(app.wsUrl, { headers: xff("198.51.100.1") });
    user.send({ type: "join", room: "lobby", clientId: "real-user", name: "Real User" });
    await user.next("history");
    for (let i = 0; i < 3; i++) {
      user.send({ type: "message", text: `real message ${i}`, nonce: `real-${i}` });
      await user.waitFor((f) => f.type === "ack" && f.nonce === `real-${i}`);
    }

    const outcomes: string[] = [];
    for (let i = 0; i < 4 * JOINS; i++) {
      const { client, outcome } = await tryJoin(app.wsUrl, "203.0.113.66", `churn-${i}`);
      outcomes.push(outcome);
      if (outcome === "rate_limited") {
        // Refused, yet the connection stays open and unjoined.
        const from = client.frames.length;
        client.send({ type: "message", text: "flood" });
        await client.waitFor((f) => f.type === "error" && f.code === "not_joined", 5000, "not_joined", from);
      }
      await client.close();
    }
    assert.equal(outcomes.filter((o) => o === "joined").length, JOINS, outcomes.join(","));
    assert.ok(
      outcomes.slice(JOINS).every((o) => o === "rate_limited"),
      outcomes.join(","),
    );

    // Another address is not affected by the churner's budget.
    const other = await tryJoin(app.wsUrl, "198.51.100.2", "bystander");
    assert.equal(other.outcome, "joined");
    await other.client.close();

    const res = await fetch(`${app.url}/api/rooms/lobby/messages?limit=1000`);
    const { messages } = (await res.json()) as { messages: { text: string; system?: boolean }[] };
    for (let i = 0; i < 3; i++) assert.ok(messages.some((m) => m.text === `real message ${i}`));
    const churnJoins = messages.filter((m) => m.system && m.text.startsWith("churn-"));
    assert.ok(churnJoins.length <= 2 * JOINS, `at most a joined/left pair per allowed join: ${churnJoins.length}`);

    await user.sync();
    assert.equal(user.ws.readyState, WebSocket.OPEN, "the real user's socket was never cut");
    assert.deepEqual(user.errors(), []);
    await user.close();
  });

  it("concurrent WebSockets per address: the upgrade past the limit gets HTTP 429, and a closed socket frees its slot", async () => {
    const address = "203.0.113.70";
    const open = await Promise.all(
      Array.from({ length: SOCKETS }, () => TestClient.connect(app.wsUrl, { headers: xff(address) })),
    );
    assert.equal(await upgradeStatus(app.wsUrl, xff(address)), 429);
    assert.equal(await upgradeStatus(app.wsUrl, xff("203.0.113.71")), 101);
    await open[0]!.close();
    await eventually(async () => (await upgradeStatus(app.wsUrl, xff(address))) === 101, 5000, "a freed slot");
    await Promise.all(open.map((c) => c.close()));
  });

  it("through the trusted hop, the proxy's entry counts: what the client wrote to the left of it changes nothing", async () => {
    assert.equal(await createRoom(app.url, xff("6.6.6.1, 203.0.113.80")), 201);
    assert.equal(await createRoom(app.url, xff("6.6.6.2, 203.0.113.80")), 201);
    assert.equal(await createRoom(app.url, xff("6.6.6.3, 203.0.113.80")), 429);
    assert.equal(await createRoom(app.url, xff("203.0.113.81")), 201);
  });

  it("seat claims and SSE streams are limited per address", async () => {
    const address = "203.0.113.90";
    const created = await fetch(`${app.url}/api/rooms`, {
      method: "POST",
      headers: { "content-type": "application/json", ...xff("203.0.113.91") },
      body: JSON.stringify({ capacity: 50 }),
    });
    const { roomId } = (await created.json()) as { roomId: string };
    const claim = async () => {
      const res = await fetch(`${app.url}/api/rooms/${roomId}/join`, {
        method: "POST",
        headers: { "content-type": "application/json", ...xff(address) },
      });
      await res.body?.cancel();
      return res.status;
    };
    assert.deepEqual([await claim(), await claim(), await claim()], [200, 200, 429]);

    const first = new AbortController();
    const stream = await fetch(`${app.url}/api/rooms/lobby/events`, { headers: xff(address), signal: first.signal });
    assert.equal(stream.status, 200);
    const second = await fetch(`${app.url}/api/rooms/lobby/events`, { headers: xff(address) });
    assert.equal(second.status, 429);
    assert.equal(((await second.json()) as { error: { code: string } }).error.code, "rate_limited");
    first.abort();
    await eventually(
      async () => {
        const ac = new AbortController();
        const res = await fetch(`${app.url}/api/rooms/lobby/events`, { headers: xff(address), signal: ac.signal });
        ac.abort();
        return res.status === 200;
      },
      5000,
      "the stream's slot back",
    );
  });
});

/** Headers a client writes to pass for `203.0.113.<i>`, or for the exempt 203.0.113.99. */
function spoofedHeaders(i: number): Record<string, string> {
  return { "x-forwarded-for": `203.0.113.${i}`, "x-real-ip": `203.0.113.${i}`, [PEER_ADDRESS_HEADER]: "203.0.113.99" };
}

describe("limits per client address, clients connecting directly (TRUST_PROXY_HOPS=0) [memory]", () => {
  let app: AppInstance;
  before(async () => {
    app = await startApp({
      env: {
        // An address the attacker would love to be: only the socket's peer can be it.
        RATE_LIMIT_EXEMPT: "203.0.113.99",
        LIMIT_ROOMS_PER_HOUR: "2",
        LIMIT_SOCKETS_PER_ADDRESS: "2",
        LIMIT_SEAT_CLAIMS_PER_MINUTE: "2",
      },
    });
  });
  after(() => app.kill());

  it("a spoofed X-Forwarded-For, X-Real-IP or peer-address header changes nothing over HTTP", async () => {
    const statuses = [await createRoom(app.url, spoofedHeaders(1)), await createRoom(app.url, spoofedHeaders(2))];
    assert.deepEqual(statuses, [201, 201]);
    assert.equal(await createRoom(app.url, spoofedHeaders(3)), 429);
  });

  it("a spoofed header changes nothing for seat claims (answered by server.ts, not Next) either", async () => {
    // The limit is taken before the room is looked up: an unknown room costs a claim too.
    const roomId = "ZZZZZZZZZZZZZZZZZZZZZ";
    const claim = async (i: number) => {
      const res = await fetch(`${app.url}/api/rooms/${roomId}/join`, {
        method: "POST",
        headers: { "content-type": "application/json", ...spoofedHeaders(i) },
      });
      await res.body?.cancel();
      return res.status;
    };
    assert.deepEqual([await claim(1), await claim(2), await claim(3)], [404, 404, 429]);
  });

  it("a spoofed header changes nothing for WebSocket upgrades either", async () => {
    const spoofed = { ...xff("203.0.113.5"), [PEER_ADDRESS_HEADER]: "203.0.113.99" };
    const held = [await TestClient.connect(app.wsUrl, { headers: spoofed }), await TestClient.connect(app.wsUrl)];
    assert.equal(await upgradeStatus(app.wsUrl, spoofed), 429);
    await Promise.all(held.map((c) => c.close()));
  });
});

describe(
  "limits shared by instances through Redis [redis, 2 instances]",
  { skip: skipUnless("redis-server", "Redis") },
  () => {
    let redis: RedisServer | undefined;
    const apps: AppInstance[] = [];
    before(async () => {
      redis = await startRedis();
      const env = {
        REDIS_URL: redis!.url,
        RATE_LIMIT_EXEMPT: "",
        TRUST_PROXY_HOPS: "1",
        LIMIT_ROOMS_PER_HOUR: "3",
        LIMIT_JOINS_PER_MINUTE: "4",
      };
      apps.push(...(await Promise.all([startApp({ env }), startApp({ env })])));
    });
    after(async () => {
      await Promise.all(apps.map((a) => a.kill()));
      await redis?.stop();
    });

    it("two instances share one room-creation budget", async () => {
      const h = xff("203.0.113.100");
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push(await createRoom(apps[i % 2]!.url, h));
      assert.deepEqual(statuses, [201, 201, 201, 429, 429]);
      assert.equal(await createRoom(apps[1]!.url, xff("203.0.113.101")), 201);
    });

    it("two instances share one join budget", async () => {
      const outcomes: string[] = [];
      for (let i = 0; i < 6; i++) {
        const { client, outcome } = await tryJoin(apps[i % 2]!.wsUrl, "203.0.113.110", `shared-${i}`);
        outcomes.push(outcome);
        await client.close();
      }
      assert.deepEqual(outcomes, ["joined", "joined", "joined", "joined", "rate_limited", "rate_limited"]);
    });
  },
);
