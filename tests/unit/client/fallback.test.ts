import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ServerFrame } from "../../../lib/protocol";
import { FallbackConnection, type EventSourceLike } from "../../../lib/client/fallback";

class FakeEventSource implements EventSourceLike {
  readyState = 0;
  onopen: ((ev: Event) => void) | null = null;
  onerror: ((ev: Event) => void) | null = null;
  addEventListener(): void {}
  close(): void {
    this.readyState = 2;
  }
}

type Posted = { url: string; headers: Record<string, string>; body: Record<string, unknown> };

/** A fallback whose POSTs answer with `answers` in turn; records what it sent. */
function fallback(answers: { status: number; body: unknown }[], token?: string) {
  const posted: Posted[] = [];
  const frames: ServerFrame[] = [];
  const learned: string[] = [];
  let clientToken = token;
  const conn = new FallbackConnection(
    {
      room: "lobby",
      clientId: () => "me",
      clientToken: () => clientToken,
      onClientToken: (t) => {
        learned.push(t);
        clientToken = t;
      },
      name: () => "Me",
      since: () => undefined,
      createEventSource: () => new FakeEventSource(),
      fetch: (async (url: string, init: RequestInit) => {
        posted.push({
          url,
          headers: init.headers as Record<string, string>,
          body: JSON.parse(String(init.body)) as Record<string, unknown>,
        });
        const answer = answers.shift()!;
        return new Response(JSON.stringify(answer.body), { status: answer.status });
      }) as typeof fetch,
    },
    { open: () => {}, frame: (f) => frames.push(f), closed: () => {} },
  );
  return { conn, posted, frames, learned };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe("FallbackConnection identity", () => {
  it("posts JSON with the clientId, keeps a token the 201 hands out and proves it on the next post", async () => {
    const message = { id: "1-0" };
    const { conn, posted, frames, learned } = fallback([
      { status: 201, body: { message, clientToken: "token-of-me-0123456789" } },
      { status: 201, body: { message: { id: "2-0" } } },
    ]);
    conn.send({ type: "message", text: "one", nonce: "n1" });
    await settle();
    conn.send({ type: "message", text: "two", nonce: "n2" });
    await settle();
    assert.equal(posted[0]!.headers["content-type"], "application/json");
    assert.deepEqual(posted[0]!.body, { name: "Me", text: "one", clientId: "me", nonce: "n1" });
    assert.deepEqual(learned, ["token-of-me-0123456789"]);
    assert.equal(posted[1]!.body.clientToken, "token-of-me-0123456789");
    assert.deepEqual(
      frames.filter((f) => f.type === "ack"),
      [
        { type: "ack", nonce: "n1", id: "1-0" },
        { type: "ack", nonce: "n2", id: "2-0" },
      ],
    );
    conn.close();
  });

  it("turns 403 client_taken into the error frame a socket would send, with the nonce", async () => {
    const { conn, frames } = fallback(
      [{ status: 403, body: { error: { code: "client_taken", message: "taken" } } }],
      "stale-token-0123456789",
    );
    conn.send({ type: "message", text: "hi", nonce: "n1" });
    await settle();
    assert.deepEqual(frames.at(-1), { type: "error", code: "client_taken", message: "taken", nonce: "n1" });
    conn.close();
  });
});
