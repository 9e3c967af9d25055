import { RedisBus } from "/work/main/lib/bus/redis/redis-bus";
const url = "redis+cluster://127.0.0.1:7101";
const a = new RedisBus({ url, instanceId: "dbg-a" });
const b = new RedisBus({ url, instanceId: "dbg-b" });
const got: Record<string, string[]> = {};
const rooms = ["lobby", ...Array.from({ length: 12 }, (_, i) => `room${i}`)];
for (const room of rooms) {
  got[room] = [];
  const feed = b.feed(room, { event: (e: unknown) => console.log("event", e), reset: () => console.log("reset") });
  await feed.open({ history: () => {}, message: (m: { id: string }) => got[room]!.push(m.id), unavailable: () => console.log("unavail") } as never, { since: undefined });
}
let ok = 0;
for (let i = 0; i < 5; i++) await a.append({ room: "lobby", clientId: "c1", name: "X", text: "hi" + i }).then(() => ok++);
const rd = (b as any).reader;
await new Promise((r) => setTimeout(r, 800));
console.log("lobby got", got.lobby!.length, "appended", ok);
for (const [k, s] of rd.shards) console.log(k, s.logs.size, s === rd.controlShard ? "control" : "");
await a.publish({ kind: "destroyed", room: "lobby", reason: "destroyed" });
await a.channels.emit([{ channel: "c-one", event: "x", data: 1 }, { channel: "c-two", event: "x", data: 2 }, { channel: "lobby", event: "x", data: 3 }], { maxLength: 100, expireAfterSecs: 60 }).then((r: unknown[]) => console.log("emitted", r.length));
await new Promise((r) => setTimeout(r, 500));
await a.close(); await b.close();
process.exit(0);
