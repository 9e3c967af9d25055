import assert from "node:assert/strict";
import { once } from "node:events";
import { type AddressInfo, createServer, type Server, Socket } from "node:net";
import { after, describe, it } from "node:test";
import { setImmediate as nextMacrotask } from "node:timers/promises";
import { corkForTick, tickMark, writeInTick } from "../../../lib/io/tick-cork";

const servers: Server[] = [];
after(() => servers.forEach((s) => s.close()));

/** A real TCP connection on port 0; `received()` resolves with everything the peer got once `bytes` arrived. */
async function connection() {
  const server = createServer();
  servers.push(server);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const accepted = once(server, "connection") as Promise<[Socket]>;
  const socket = new Socket();
  socket.connect((server.address() as AddressInfo).port, "127.0.0.1");
  const [[peer]] = await Promise.all([accepted, once(socket, "connect")]);
  const chunks: Buffer[] = [];
  peer.on("data", (c: Buffer) => chunks.push(c));
  // Each system call the socket makes: a lone chunk goes to _write, a gathered batch to _writev.
  const calls: number[] = [];
  const raw = socket as unknown as {
    _write: (chunk: Buffer, encoding: string, cb: () => void) => void;
    _writev: (chunks: { chunk: Buffer }[], cb: () => void) => void;
  };
  const write = raw._write.bind(socket);
  const writev = raw._writev.bind(socket);
  raw._write = (chunk, encoding, cb) => (calls.push(1), write(chunk, encoding, cb));
  raw._writev = (batch, cb) => (calls.push(batch.length), writev(batch, cb));
  const received = async (bytes: number) => {
    while (Buffer.concat(chunks).length < bytes) await once(peer, "data");
    return Buffer.concat(chunks).toString();
  };
  return { socket, calls, received, close: () => (socket.destroy(), peer.destroy()) };
}

/** Nothing has left the corked socket yet; when the tick ends it is uncorked, `calls` made and `text` arrived. */
async function leavesAtTickEnd(c: Awaited<ReturnType<typeof connection>>, calls: number[], text: string) {
  assert.equal(c.socket.writableCorked, 1);
  assert.deepEqual(c.calls, []);
  await nextMacrotask();
  assert.equal(c.socket.writableCorked, 0);
  assert.deepEqual(c.calls, calls);
  assert.equal(await c.received(text.length), text);
}

describe("writeInTick", () => {
  it("sends a lone frame when the tick ends, in one write", async () => {
    const c = await connection();
    writeInTick(c.socket, Buffer.from("a"), tickMark());
    await leavesAtTickEnd(c, [1], "a");
    c.close();
  });

  it("gathers every write of a tick into one system call, in order, and starts afresh in the next", async () => {
    const { socket, calls, received, close } = await connection();
    const mark = tickMark();
    for (const part of ["a", "b", "c", "d"]) writeInTick(socket, Buffer.from(part), mark);
    assert.equal(socket.writableCorked, 1, "corked once for the tick");
    await nextMacrotask();
    assert.equal(socket.writableCorked, 0);
    assert.deepEqual(calls, [4]);
    assert.equal(await received(4), "abcd");

    writeInTick(socket, Buffer.from("e"), mark);
    writeInTick(socket, Buffer.from("f"), mark);
    await nextMacrotask();
    assert.deepEqual(calls, [4, 2]);
    assert.equal(await received(6), "abcdef");
    close();
  });

  it("counts writes made from the tick's microtasks as the same tick", async () => {
    const { socket, calls, received, close } = await connection();
    const mark = tickMark();
    writeInTick(socket, Buffer.from("a"), mark);
    await Promise.resolve();
    writeInTick(socket, Buffer.from("b"), mark);
    await nextMacrotask();
    assert.deepEqual(calls, [2]);
    assert.equal(await received(2), "ab");
    close();
  });

  it("keeps every socket's own batch: two sockets written alternately", async () => {
    const one = await connection();
    const two = await connection();
    const marks = [tickMark(), tickMark()];
    for (const part of ["1", "2", "3"]) {
      writeInTick(one.socket, Buffer.from(`x${part}`), marks[0]!);
      writeInTick(two.socket, Buffer.from(`y${part}`), marks[1]!);
    }
    await nextMacrotask();
    assert.deepEqual(one.calls, [3]);
    assert.deepEqual(two.calls, [3]);
    assert.equal(await one.received(6), "x1x2x3");
    assert.equal(await two.received(6), "y1y2y3");
    one.close();
    two.close();
  });
});

describe("corkForTick", () => {
  it("corks once per tick however often it is called, and uncorks when the tick ends", async () => {
    const c = await connection();
    const mark = tickMark();
    corkForTick(c.socket, mark);
    c.socket.write("a");
    corkForTick(c.socket, mark);
    c.socket.write("b");
    await leavesAtTickEnd(c, [2], "ab");
    c.close();
  });

  it("lets a socket that ends within the tick flush and close normally", async () => {
    const { socket, received, close } = await connection();
    corkForTick(socket, tickMark());
    socket.write("a");
    socket.end("b");
    assert.equal(await received(2), "ab");
    await nextMacrotask(); // the tick's uncork finds the socket ended: nothing happens
    close();
  });
});
