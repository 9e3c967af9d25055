import { compareIds, type Message } from "../../lib/protocol";
import type { ClientRecord } from "./chaos-client";

/** The verdict of a chaos run: what was sent and delivered, and every way it could have gone wrong. */
export type ChaosReport = {
  rooms: number;
  clients: number;
  sent: number;
  acked: number;
  retried: number;
  /** Messages still unacked at the end (each must have been answered or resent: this must be 0). */
  unacked: number;
  /** Deliveries checked (every client's log against its room's stored log). */
  delivered: number;
  /** Acked messages missing from the room's log, plus stored messages a client never received. */
  lost: number;
  /** A nonce stored twice, an id delivered twice to one client, or a nonce acked with two ids. */
  doubled: number;
  /** A client whose log is not the room's log in the same order. */
  misordered: number;
  /** Resumes answered with a reset (the client had to drop what it held). */
  resets: number;
  reconnects: number;
  /** The longest a delivered message took from being stored (its `ts`) to reaching a client. */
  worstDelayMs: number;
  problems: string[];
};

/**
 * Checks every client against its room's stored log (read from the server at the end):
 * every acked message is stored exactly once with the id it was acked with, and every client
 * received every stored message after the point it started from, once, in the log's order.
 */
export function reconcile(
  records: ClientRecord[],
  logs: Map<string, Message[]>,
  unackedAtEnd: number,
  faults: Record<string, number> = {},
): ChaosReport & { faults: Record<string, number> } {
  const report: ChaosReport = {
    rooms: logs.size,
    clients: records.length,
    sent: 0,
    acked: 0,
    retried: 0,
    unacked: unackedAtEnd,
    delivered: 0,
    lost: 0,
    doubled: 0,
    misordered: 0,
    resets: 0,
    reconnects: 0,
    worstDelayMs: 0,
    problems: [],
  };
  const problem = (s: string) => {
    if (report.problems.length < 20) report.problems.push(s);
  };

  for (const [room, log] of logs) {
    const byNonce = new Map<string, string[]>();
    for (const m of log) {
      if (m.nonce === undefined) continue;
      const key = `${m.clientId}/${m.nonce}`;
      byNonce.set(key, [...(byNonce.get(key) ?? []), m.id]);
    }
    for (const [key, ids] of byNonce)
      if (ids.length > 1) {
        report.doubled += ids.length - 1;
        problem(`${room}: nonce ${key} stored ${ids.length} times (${ids.join(", ")})`);
      }
    const ids = new Set(log.map((m) => m.id));

    for (const r of records.filter((x) => x.room === room)) {
      report.sent += r.sent;
      report.acked += r.acked.size;
      report.retried += r.retried;
      report.resets += r.resets;
      report.reconnects += r.reconnects;
      report.doubled += r.ackMismatch + r.outOfOrder;
      for (const [nonce, id] of r.acked) {
        if (!ids.has(id)) {
          report.lost++;
          problem(`${room}: ${r.clientId}'s ${nonce} was acked as ${id}, which the room does not hold`);
        }
      }
      const expected = log.filter((m) => r.startedAfter === undefined || compareIds(m.id, r.startedAfter) > 0);
      const got = r.delivered.map((d) => d.id);
      report.delivered += got.length;
      const gotSet = new Set(got);
      if (gotSet.size !== got.length) report.doubled += got.length - gotSet.size;
      const missing = expected.filter((m) => !gotSet.has(m.id));
      if (missing.length) {
        report.lost += missing.length;
        problem(
          `${room}: ${r.clientId} never received ${missing.length} (first ${JSON.stringify(missing[0])}, newest held ${got.at(-1)}, log ends ${log.at(-1)?.id})`,
        );
      }
      const inLog = got.filter((id) => ids.has(id));
      if (inLog.length !== got.length) problem(`${room}: ${r.clientId} received ids the log does not hold`);
      const order = expected.map((m) => m.id).filter((id) => gotSet.has(id));
      if (order.join() !== inLog.join()) {
        report.misordered++;
        problem(`${room}: ${r.clientId} received the log in another order`);
      }
      for (const d of r.delivered) report.worstDelayMs = Math.max(report.worstDelayMs, d.at - d.ts);
    }
  }
  return { ...report, faults };
}

/** The report as the lines `npm run chaos` prints. */
export function formatReport(r: ReturnType<typeof reconcile>): string {
  const faults = Object.entries(r.faults)
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
  return [
    `rooms ${r.rooms}, clients ${r.clients}, reconnects ${r.reconnects}`,
    `faults: ${faults || "none"}`,
    `sent ${r.sent}, acked ${r.acked}, retried ${r.retried}, unacked at end ${r.unacked}`,
    `delivered ${r.delivered}, lost ${r.lost}, doubled ${r.doubled}, misordered ${r.misordered}, resets ${r.resets}`,
    `worst delay from store to a client: ${r.worstDelayMs} ms`,
    ...r.problems.map((p) => `  ! ${p}`),
  ].join("\n");
}
