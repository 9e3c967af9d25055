import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import WebSocket from "ws";
import { startApp, type AppInstance } from "../helpers/app-server";
import { sleep, within } from "../helpers/wait";
import { TestClient } from "../helpers/ws-client";

/** What happens around the frames: the upgrade itself, health, slow consumers and shutdown. */
describe("WebSocket upgrade, health and lifecycle [memory]", () => {
  let app: AppInstance;
  before(async () => {
    app = await startApp({ env: { ALLOWED_ORIGINS: "" } });
  });
  after(() => app.kill());

  it("a plain GET of /api/ws gets 426 with the contract's error body", async () => {
    const res = await fetch(`${app.url}/api/ws`);
    assert.equal(res.status, 426);
    const body = (await res.json()) as { error: { code: string; message: string } };
    assert.equal(typeof body.error.code, "string");
    assert.ok(body.error.message.length > 0);
  });

  it("an upgrade from a foreign Origin is refused with HTTP 403; the own host and no Origin are allowed", async () => {
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(app.wsUrl, { origin: "https://evil.example" });
      ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      ws.on("open", () => resolve(101));
      ws.on("error", () => {});
    });
    assert.equal(status, 403);
    const own = await TestClient.connect(app.wsUrl, { origin: app.url });
    own.send({ type: "ping" });
    await own.next("pong");
    await own.close();
    const none = await TestClient.connect(app.wsUrl);
    none.send({ type: "ping" });
    await none.next("pong");
    await none.close();
    // The rejected upgrade did not break later ones.
    const after403 = await TestClient.connect(app.wsUrl);
    await after403.close();
  });

  it("GET /api/health reports ok, redis disabled and the instance id", async () => {
    const res = await fetch(`${app.url}/api/health`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as Record<string, unknown>;
    assert.equal(body.status, "ok");
    assert.equal(body.redis, "disabled");
    assert.equal(typeof body.instance, "string");
  });

  it("a client that stops reading is closed with 4008 once 1 MiB is queued for it", async () => {
    const id = `slow-${process.pid}`;
    const slow = await TestClient.join(app.wsUrl, { clientId: id });
    const observer = await TestClient.join(app.wsUrl, { clientId: `observer-${process.pid}` });
    await observer.waitFor((f) => f.type === "presence" && f.users.some((u) => u.clientId === id));
    const raw = (slow.ws as unknown as { _socket: import("node:net").Socket })._socket;
    raw.pause();
    // Pings are answered without limit: a flood of them fills the kernel's buffers and then the
    // server's send buffer. The server drops a cut connection from presence at once, so the
    // observer tells when to read again (well within the 5 s before the TCP connection goes).
    let cut = false;
    const gone = observer
      .waitFor(
        (f) => f.type === "presence" && !f.users.some((u) => u.clientId === id),
        100_000,
        "the slow client to be cut",
      )
      .then(() => (cut = true));
    const deadline = Date.now() + 90_000;
    while (!cut && Date.now() < deadline && slow.ws.readyState === WebSocket.OPEN) {
      for (let i = 0; i < 10_000; i++) slow.ws.send('{"type":"ping"}');
      // Polls the client's own send buffer; the flood resumes as soon as it has drained.
      while (!cut && slow.ws.bufferedAmount > 1024 * 1024 && Date.now() < deadline) await sleep(5);
      await new Promise((r) => setImmediate(r)); // let the observer's frames in
    }
    await gone;
    raw.resume();
    const closed = await within(slow.closed, 10_000, "the slow client's close");
    assert.equal(closed.code, 4008);
    await observer.close();
  });
});

describe("SIGTERM [memory]", () => {
  it("closes every socket with 1001 and exits promptly", async () => {
    const app = await startApp();
    const clients = await Promise.all([0, 1, 2].map((i) => TestClient.join(app.wsUrl, { clientId: `term-${i}` })));
    const started = Date.now();
    const exit = app.stop("SIGTERM");
    const codes = await Promise.all(clients.map((c) => c.closed.then((x) => x.code)));
    assert.deepEqual(codes, [1001, 1001, 1001]);
    assert.equal(await exit, 0);
    assert.ok(Date.now() - started < 10_000, `exited in ${Date.now() - started} ms`);
  });
});
