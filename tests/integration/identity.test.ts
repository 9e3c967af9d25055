import assert from "node:assert/strict";
import { it } from "node:test";
import { Browser } from "../helpers/http";
import { forEachTopology } from "../helpers/topology";
import { TestClient } from "../helpers/ws-client";

let seq = 0;
/** A clientId unique to this test run. */
const cid = (label: string) => `${label}-${process.pid}-${++seq}`;

/** Protocol v1.1 rule 1: a clientId belongs to the tab holding its clientToken, on every instance. */
forEachTopology("clientId binding", (t) => {
  it("an impostor without the token (or with a wrong one) gets client_taken and stays open to join as itself", async () => {
    const victim = cid("victim");
    const owner = await TestClient.connect(t.ws(0));
    owner.send({ type: "join", room: "lobby", clientId: victim, name: "Victim" });
    const joined = await owner.next("joined");
    assert.match(joined.clientToken, /^[A-Za-z0-9_-]{22,}$/, "an opaque token of at least 128 bits");

    // On the other instance when there are two: the binding is shared.
    const impostor = await TestClient.connect(t.ws(1));
    impostor.send({ type: "join", room: "lobby", clientId: victim, name: "Victim", clientToken: undefined });
    assert.equal((await impostor.next("error")).code, "client_taken");
    impostor.send({ type: "join", room: "lobby", clientId: victim, name: "Victim", clientToken: "x".repeat(32) });
    assert.equal((await impostor.next("error")).code, "client_taken");
    await impostor.sync(); // still open, still answering
    assert.ok(!impostor.frames.some((f) => f.type === "joined"));

    const fresh = cid("impostor");
    impostor.send({ type: "join", room: "lobby", clientId: fresh, name: "Mallory", clientToken: undefined });
    const own = await impostor.next("joined");
    assert.equal(own.clientId, fresh);
    assert.notEqual(own.clientToken, joined.clientToken);
    await impostor.next("history");

    impostor.send({ type: "message", text: "hi", nonce: "n1" });
    await impostor.next("ack");
    const seen = await owner.waitFor((f) => f.type === "message" && f.message.text === "hi");
    assert.ok(seen.type === "message" && seen.message.clientId === fresh, "the victim's tab never sees it as its own");
    await Promise.all([owner.close(), impostor.close()]);
  });

  it("with the token it is the same person: presence count unchanged, no second joined message", async () => {
    const id = cid("twotabs");
    const first = await TestClient.connect(t.ws(0));
    first.send({ type: "join", room: "lobby", clientId: id, name: "Same" });
    const { clientToken } = await first.next("joined");
    await first.waitFor((f) => f.type === "presence" && f.users.some((u) => u.clientId === id));

    const second = await TestClient.connect(t.ws(1));
    second.send({ type: "join", room: "lobby", clientId: id, name: "Same", clientToken });
    const again = await second.next("joined");
    assert.equal(again.clientToken, clientToken, "the token stays the tab's");
    const presence = await second.next("presence");
    // Others may still be leaving the lobby from earlier tests: the list, not `before`, is the reference.
    assert.equal(presence.users.filter((u) => u.clientId === id).length, 1);
    assert.ok(presence.users.length < 100, "the whole lobby is listed");
    assert.equal(presence.count, new Set(presence.users.map((u) => u.clientId)).size, "two tabs count as one");
    await second.sync();
    await first.sync();
    const announcements = first.messages((m) => m.system === true && m.event === "joined" && m.clientId === id);
    assert.equal(announcements.length, 1);
    await Promise.all([first.close(), second.close()]);
  });

  it('"server" is reserved: client_taken with or without a token', async () => {
    const c = await TestClient.connect(t.ws());
    c.send({ type: "join", room: "lobby", clientId: "server", name: "Server", clientToken: undefined });
    assert.equal((await c.next("error")).code, "client_taken");
    c.send({ type: "join", room: "lobby", clientId: "server", name: "Server", clientToken: "y".repeat(32) });
    assert.equal((await c.next("error")).code, "client_taken");
    await c.sync();
    await c.close();
    const post = await new Browser(t.http()).post("/api/rooms/lobby/messages", {
      name: "Server",
      text: "fake announcement",
      clientId: "server",
    });
    assert.deepEqual([post.status, post.body.error.code], [403, "client_taken"]);
  });

  it("a malformed clientToken is a bad_frame", async () => {
    const c = await TestClient.connect(t.ws());
    c.send({ type: "join", room: "lobby", clientId: cid("bad"), name: "B", clientToken: "no spaces allowed here!" });
    assert.equal((await c.next("error")).code, "bad_frame");
    await c.close();
  });

  it("HTTP posts follow the rule: 403 without the token, 201 with it; a new clientId's 201 carries its token", async () => {
    const browser = new Browser(t.http(0));
    const path = "/api/rooms/lobby/messages";
    const id = cid("poster");
    const first = await browser.post(path, { name: "Poster", text: "one", clientId: id });
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.equal(first.body.message.clientId, id);
    const token: string = first.body.clientToken;
    assert.match(token, /^[A-Za-z0-9_-]{22,}$/);

    const stolen = await browser.post(path, { name: "Poster", text: "two", clientId: id }, t.http(1));
    assert.deepEqual([stolen.status, stolen.body.error.code], [403, "client_taken"]);
    const wrong = await browser.post(path, { name: "P", text: "two", clientId: id, clientToken: "z".repeat(32) });
    assert.deepEqual([wrong.status, wrong.body.error.code], [403, "client_taken"]);

    const proven = await browser.post(
      path,
      { name: "Poster", text: "two", clientId: id, clientToken: token },
      t.http(1),
    );
    assert.equal(proven.status, 201);
    assert.equal(proven.body.clientToken, undefined, "nothing new was bound");

    // The same binding holds for WebSocket joins, whichever side bound it.
    const ws = await TestClient.connect(t.ws(1));
    ws.send({ type: "join", room: "lobby", clientId: id, name: "Poster", clientToken: undefined });
    assert.equal((await ws.next("error")).code, "client_taken");
    ws.send({ type: "join", room: "lobby", clientId: id, name: "Poster", clientToken: token });
    assert.equal((await ws.next("joined")).clientToken, token);
    await ws.close();

    const anonymous = await browser.post(path, { name: "Anon", text: "no id" });
    assert.equal(anonymous.status, 201);
    assert.notEqual(anonymous.body.message.clientId, "server", "a public post never speaks as the server");
    assert.match(anonymous.body.clientToken, /^[A-Za-z0-9_-]{22,}$/);
  });
});
