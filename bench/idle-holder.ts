import { z } from "zod";
import { BenchClient } from "./client";
import { inBatches, now } from "./time";

/**
 * Child process (forked by bench/idle-sockets.ts) that opens and holds idle joined sockets: 20 000
 * sockets do not fit in the bench process's file descriptor limit, and joining them here keeps the
 * bench process's own event loop free for the clients it measures with.
 */

const spec = z.object({ url: z.string(), room: z.string(), clientId: z.string(), cookie: z.string().optional() });
const request = z.discriminatedUnion("type", [
  z.object({
    id: z.number(),
    type: z.literal("join"),
    specs: z.array(spec),
    width: z.number(),
    deadlineMs: z.number(),
  }),
  z.object({ id: z.number(), type: z.literal("counts") }),
  z.object({ id: z.number(), type: z.literal("close") }),
]);

const held: BenchClient[] = [];

/** Frames every held socket received after its own join, and the close codes of those the server closed. */
function counts() {
  const closedByServer: Record<string, number> = {};
  for (const c of held)
    if (c.closeCode !== undefined) closedByServer[c.closeCode] = (closedByServer[c.closeCode] ?? 0) + 1;
  return { held: held.length, frames: held.reduce((s, c) => s + c.framesAfterJoin, 0), closedByServer };
}

async function join(specs: z.infer<typeof spec>[], width: number, deadlineMs: number) {
  const deadline = now() + deadlineMs;
  const failures: Record<string, number> = {};
  let skipped = 0;
  await inBatches(specs.length, width, async (i) => {
    if (now() > deadline) return void skipped++;
    try {
      held.push(await BenchClient.join(specs[i]!, true));
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      failures[why] = (failures[why] ?? 0) + 1;
    }
  });
  return { joined: held.length, failures, skipped };
}

async function handle(message: unknown): Promise<unknown> {
  const req = request.parse(message);
  switch (req.type) {
    case "join":
      return { id: req.id, ...(await join(req.specs, req.width, req.deadlineMs)) };
    case "counts":
      return { id: req.id, ...counts() };
    case "close":
      await inBatches(held.length, 200, (i) => held[i]!.close());
      return { id: req.id, closed: held.length };
  }
}

process.on("message", (message) => {
  void handle(message).then(
    (reply) => process.send?.(reply),
    (e: unknown) => process.send?.({ id: z.object({ id: z.number() }).safeParse(message).data?.id, error: String(e) }),
  );
});
process.on("disconnect", () => process.exit(0));
