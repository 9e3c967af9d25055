import { collectDefaultMetrics, Counter, Gauge, Registry } from "prom-client";
import { LightHistogram } from "./histogram";

/**
 * Every metric an instance exposes at /api/metrics (Prometheus text format, prom-client). The
 * README lists them with one line each; keep the two in step.
 *
 * server.ts (WebSocket upgrades) and the Next bundle (HTTP routes, /api/metrics) load separate
 * copies of this module, so the registry and its metrics live on globalThis: both copies count
 * into, and the route reads, the same numbers.
 */
function createMetrics() {
  const register = new Registry();
  collectDefaultMetrics({ register });
  const r = { registers: [register] };
  return {
    register,
    connectionsOpen: new Gauge({ ...r, name: "flare_connections_open", help: "Open WebSocket connections" }),
    sseStreamsOpen: new Gauge({ ...r, name: "flare_sse_streams_open", help: "Open Server-Sent Events streams" }),
    roomsHeld: new Gauge({ ...r, name: "flare_rooms_held", help: "Rooms with at least one member on this instance" }),
    joins: new Counter({ ...r, name: "flare_joins_total", help: "Accepted WebSocket joins" }),
    messagesIn: new Counter({
      ...r,
      name: "flare_messages_in_total",
      help: "Chat messages stored, by how they arrived",
      labelNames: ["via"] as const,
    }),
    deliveries: new Counter({
      ...r,
      name: "flare_deliveries_total",
      help: "Chat messages sent to a connection or stream (one per recipient)",
    }),
    errorFrames: new Counter({
      ...r,
      name: "flare_error_frames_total",
      help: "Error frames sent, by contract code",
      labelNames: ["code"] as const,
    }),
    closes: new Counter({
      ...r,
      name: "flare_closes_total",
      help: "WebSocket closes initiated by the server, by close code",
      labelNames: ["code"] as const,
    }),
    refusals: new Counter({
      ...r,
      name: "flare_refusals_total",
      help: "Requests, upgrades and frames refused by a limit, by limit",
      labelNames: ["limit"] as const,
    }),
    slowConsumerCuts: new Counter({
      ...r,
      name: "flare_slow_consumer_cuts_total",
      help: "Connections and streams cut for not reading (over 1 MiB unsent)",
    }),
    redisCommandSeconds: new LightHistogram({
      ...r,
      name: "flare_redis_command_duration_seconds",
      help: "Redis command latency seen by this instance (command client), by command",
      labelName: "command",
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    }),
    readerLagSeconds: new LightHistogram({
      ...r,
      name: "flare_reader_lag_seconds",
      help: "Time from XADD (the stream id's clock) to the reader handing the message to this instance's rooms",
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

const KEY = Symbol.for("flare.metrics");
type Global = typeof globalThis & { [KEY]?: Metrics };

export function metrics(): Metrics {
  const g = globalThis as Global;
  return (g[KEY] ??= createMetrics());
}
