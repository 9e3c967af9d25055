import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import WebSocket from "ws";
import { startApp, type AppInstance } from "../helpers/app-server";
import { collectGarbage, MiB, rssBytes } from "../helpers/process";
import { eventually, sleep } from "../helpers/wait";
import { TestClient } from "../helpers/ws-client";

const CONNECTIONS = 10;
const FRAMES = 10_000;

/** Malformed in every way the contract names: not JSON, not an object, unknown type, wrong fields, binary. */
const MALFORMED: { data: string | Buffer; binary?: boolean }[] = [
  { data: "nope" },
  { data: "[]" },
  { data: "42" },
  { data: '{"type":"bogus"}' },
  { data: '{"type":"join","room":5}' },
  { data: `{"type":"join","room":"lobby","clientId":"${"x".repeat(65)}","name":"A"}` },
  { data: '{"type":"message","text":"hi","nonce":7}' },
  { data: "{".repeat(2000) },
  { data: Buffer.from([0xff, 0x00, 0x7b]), binary: true },
  { data: JSON.stringify({ type: "bogus", pad: "p".repeat(8000) }) },
];

/** Codes a malformed frame may get: bad_frame, or rate_limited past the per-connection frame budget. */
const ANSWERS = new Set(["bad_frame", "rate_limited", "not_joined"]);

async function abuser(app: AppInstance) {
  const ws = new WebSocket(app.wsUrl);
  const codes = new Map<string, number>();
  let closed: number | undefined;
  ws.on("message", (data: Buffer) => {
    const code = /"code":"([a-z_]+)"/.exec(data.subarray(0, 60).toString())?.[1] ?? "?";
    codes.set(code, (codes.get(code) ?? 0) + 1);
  });
  ws.on("close", (code) => (closed = code));
  await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
  return { ws, codes, answers: () => [...codes.values()].reduce((a, b) => a + b, 0), closed: () => closed };
}

describe("10,000 malformed frames over 10 connections [memory]", () => {
  let app: AppInstance;
  before(async () => {
    // The inspector lets the test collect garbage before each reading (see collectGarbage).
    app = await startApp({ env: { NODE_OPTIONS: "--inspect=127.0.0.1:0" } });
  });
  after(() => app.kill());

  it("are each answered, the process stays healthy and its RSS grows by less than 20 MB", async () => {
    // Warm up the paths the frames take (and let the heap reach the size their garbage needs), so
    // the growth below is what the soak leaves behind.
    const warm = await abuser(app);
    for (let i = 0; i < 2000; i++) {
      warm.ws.send(MALFORMED[i % MALFORMED.length]!.data);
      if (i % 100 === 99) await sleep(50);
    }
    await eventually(() => warm.answers() >= 2000, 20_000, "the warm-up answers");
    warm.ws.close();
    await sleep(500);
    await collectGarbage(app.output());
    const rssBefore = rssBytes(app.pid);

    const abusers = await Promise.all(Array.from({ length: CONNECTIONS }, () => abuser(app)));
    const perConnection = FRAMES / CONNECTIONS;
    // In bursts of 100 per connection, so a per-connection frame budget answers most of them.
    for (let sent = 0; sent < perConnection; sent += 100) {
      for (const a of abusers)
        for (let i = sent; i < sent + 100; i++) {
          const f = MALFORMED[i % MALFORMED.length]!;
          a.ws.send(f.data, { binary: f.binary ?? false });
        }
      await sleep(50);
    }
    await eventually(
      () => abusers.every((a) => a.answers() >= perConnection),
      60_000,
      "an answer to every malformed frame",
    );
    await collectGarbage(app.output());
    const rssAfter = rssBytes(app.pid);
    const growth = rssAfter - rssBefore;
    const codes = new Map<string, number>();
    for (const a of abusers) for (const [c, n] of a.codes) codes.set(c, (codes.get(c) ?? 0) + n);
    console.log(
      `[malformed-soak] ${FRAMES} frames: RSS ${(rssBefore / MiB).toFixed(1)} → ${(rssAfter / MiB).toFixed(1)} MiB ` +
        `(+${(growth / MiB).toFixed(1)} MiB); answers ${JSON.stringify(Object.fromEntries(codes))}`,
    );
    for (const code of codes.keys()) assert.ok(ANSWERS.has(code), `unexpected answer ${code}`);
    assert.ok(
      abusers.every((a) => a.closed() === undefined),
      "malformed frames keep the connection open",
    );
    assert.ok(growth < 20 * 1000 * 1000, `RSS grew by ${(growth / MiB).toFixed(1)} MiB`);

    // Healthy: /api/health answers and two people still chat.
    assert.equal((await fetch(`${app.url}/api/health`)).status, 200);
    const ann = await TestClient.join(app.wsUrl, { clientId: "ann", name: "Ann" });
    const bob = await TestClient.join(app.wsUrl, { clientId: "bob", name: "Bob" });
    ann.send({ type: "message", text: "still here?", nonce: "k1" });
    await bob.waitFor((f) => f.type === "message" && f.message.text === "still here?", 5000, "Ann's message");
    await ann.next("ack");
    for (const a of abusers) a.ws.close();
    await Promise.all([ann.close(), bob.close()]);
  });
});
