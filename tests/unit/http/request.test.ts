import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { z } from "zod";
import { readBody } from "../../../lib/http/request";

const anything = z.record(z.string(), z.unknown());

/** A chunked request body (no Content-Length) that counts how much of it was pulled. */
function chunked(chunks: number, chunkBytes: number): { req: Request; pulled: () => number } {
  let sent = 0;
  const chunk = new TextEncoder().encode("x".repeat(chunkBytes));
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent === chunks) return controller.close();
      sent++;
      controller.enqueue(chunk);
    },
  });
  const req = new Request("http://localhost/api/x", {
    method: "POST",
    body,
    headers: { "content-type": "application/json" },
    duplex: "half",
  } as RequestInit);
  assert.equal(req.headers.get("content-length"), null);
  return { req, pulled: () => sent };
}

describe("readBody", () => {
  it("cuts a chunked body at 16 KiB with 413 too_large, without reading the rest", async () => {
    // 10 MiB offered in 1 KiB chunks: the read must stop after the 17th.
    const { req, pulled } = chunked(10 * 1024, 1024);
    await assert.rejects(readBody(req, anything), { code: "too_large", status: 413 });
    assert.ok(pulled() <= 18, `pulled ${pulled()} chunks`);
  });

  it("reads a chunked body of exactly 16 KiB", async () => {
    const value = JSON.stringify({ pad: "y".repeat(16 * 1024 - 10) });
    assert.equal(Buffer.byteLength(value), 16 * 1024);
    const parts = [value.slice(0, 5000), value.slice(5000, 9000), value.slice(9000)];
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const p of parts) controller.enqueue(new TextEncoder().encode(p));
        controller.close();
      },
    });
    const req = new Request("http://localhost/", { method: "POST", body, duplex: "half" } as RequestInit);
    assert.deepEqual(await readBody(req, anything), JSON.parse(value));
  });

  it("decodes UTF-8 split across chunks, and refuses invalid UTF-8 with 400", async () => {
    const bytes = new TextEncoder().encode('{"name":"🦦"}');
    const split = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.slice(0, 11)); // inside the emoji's 4 bytes
        controller.enqueue(bytes.slice(11));
        controller.close();
      },
    });
    const req = new Request("http://localhost/", { method: "POST", body: split, duplex: "half" } as RequestInit);
    assert.deepEqual(await readBody(req, anything), { name: "🦦" });
    const bad = new Request("http://localhost/", { method: "POST", body: new Uint8Array([0x7b, 0xff, 0x7d]) });
    await assert.rejects(readBody(bad, anything), { code: "bad_request" });
  });

  it("refuses a declared Content-Length past 16 KiB before reading", async () => {
    const req = new Request("http://localhost/", {
      method: "POST",
      body: "{}",
      headers: { "content-length": String(16 * 1024 + 1) },
    });
    await assert.rejects(readBody(req, anything), { code: "too_large" });
  });
});
