import { env } from "../env";
import { errorFields, log } from "../observability/log";
import { metrics } from "../observability/metrics";
import { MAX_BUFFERED_BYTES } from "../protocol";
import { connectionDropper } from "../server/http-connection";
import type { ChatEvent } from "../chat";

/** The most handed to the response at once: what sits past this stream's own queue stays small. */
const MAX_CHUNK_BYTES = 64 * 1024;

export type SseOptions = {
  /** Unsent bytes past which the stream ends: the reader stopped reading (default: the WebSocket's 1 MiB). */
  maxUnsentBytes?: number;
  /** How often an idle stream sends a `: ping` comment (default SSE_PING_MS). */
  pingMs?: number;
};

/**
 * One Server-Sent Event block. Each field must be a single line (JSON.stringify output is). A
 * block with only an `id` dispatches nothing but still moves the EventSource's Last-Event-ID.
 */
export type SseFrame = { id?: string; event?: string; data?: string };

export function sseFrame({ id, event, data }: SseFrame): string {
  return `${id === undefined ? "" : `id: ${id}\n`}${event === undefined ? "" : `event: ${event}\n`}${
    data === undefined ? "" : `data: ${data}\n`
  }\n`;
}

/** One Server-Sent Event. Messages carry their id, so a reconnecting EventSource resumes after it. */
export function sseEvent(event: ChatEvent): string {
  switch (event.type) {
    case "message":
      return `id: ${event.message.id}\nevent: message\ndata: ${JSON.stringify(event.message)}\n\n`;
    case "presence":
      return `event: presence\ndata: ${JSON.stringify({ count: event.count, users: event.users })}\n\n`;
    case "destroyed":
      return `event: destroyed\ndata: ${JSON.stringify({ reason: event.reason })}\n\n`;
    case "reset":
      return "event: reset\ndata: {}\n\n";
  }
}

/**
 * A `text/event-stream` body over `source`, driven by its reader. The source is drained as it
 * produces (so nothing piles up behind it), into a queue of unsent bytes that is handed to the
 * response only when the response asks for more (`pull`): a reader that stops reading stops the
 * pulls through the response's backpressure, and once its unsent bytes pass `maxUnsentBytes` the
 * stream errors and its TCP connection is reset (a graceful end would queue behind the data it
 * never reads). Ends normally when the source ends; stops the source when the reader leaves.
 * An idle stream gets a `: ping` comment every `pingMs` so proxies keep it open.
 */
export function sseStream<T>(
  source: AsyncIterator<T>,
  format: (item: T) => string,
  options: SseOptions = {},
): ReadableStream<Uint8Array> {
  const maxUnsent = options.maxUnsentBytes ?? MAX_BUFFERED_BYTES;
  const pingMs = options.pingMs ?? env().SSE_PING_MS;
  // Captured now, inside the request: erroring the body alone leaves the connection open (see
  // lib/server/http-connection.ts).
  const dropConnection = connectionDropper();
  const encoder = new TextEncoder();
  const pending: Uint8Array[] = [];
  let unsent = 0;
  let wanted = false; // the reader asked for more while nothing was pending
  let sourceDone = false;
  let over = false;
  let ping: NodeJS.Timeout | undefined;
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let open = false;

  const closed = () => {
    if (open) metrics().sseStreamsOpen.dec();
    open = false;
  };

  const stop = () => {
    over = true;
    closed();
    clearInterval(ping);
    pending.length = 0;
    unsent = 0;
    void source.return?.().catch(() => {});
  };

  /** Hands the reader at most one chunk, and only when it asked for one. */
  const flush = () => {
    if (!wanted || over) return;
    if (pending.length > 0) {
      wanted = false;
      controller.enqueue(takeChunk());
    }
    if (sourceDone && pending.length === 0) {
      over = true;
      closed();
      clearInterval(ping);
      controller.close();
    }
  };

  const takeChunk = (): Uint8Array => {
    let size = 0;
    let n = 0;
    while (n < pending.length && (n === 0 || size + pending[n]!.byteLength <= MAX_CHUNK_BYTES))
      size += pending[n++]!.byteLength;
    const parts = pending.splice(0, n);
    unsent -= size;
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts, size);
  };

  const push = (text: string) => {
    if (over) return;
    const bytes = encoder.encode(text);
    pending.push(bytes);
    unsent += bytes.byteLength;
    if (unsent > maxUnsent) {
      metrics().slowConsumerCuts.inc();
      stop();
      controller.error(new Error(`SSE reader too slow: more than ${maxUnsent} bytes unsent`));
      dropConnection?.();
      return;
    }
    flush();
  };

  const pump = async () => {
    try {
      for (;;) {
        const next = await source.next();
        if (next.done || over) break;
        push(format(next.value));
      }
    } catch (e) {
      log().error({ ...errorFields(e) }, "SSE source failed");
    }
    sourceDone = true;
    flush();
  };

  return new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      open = true;
      metrics().sseStreamsOpen.inc();
      c.enqueue(encoder.encode("retry: 3000\n\n"));
      ping = setInterval(() => pending.length === 0 && push(": ping\n\n"), pingMs);
      void pump();
    },
    pull() {
      wanted = true;
      flush();
    },
    cancel() {
      stop();
    },
  });
}

/** Streams a room's chat events (see sseStream) as a `text/event-stream` response. */
export function sseResponse(events: AsyncIterator<ChatEvent>, options?: SseOptions): Response {
  return eventStreamResponse(sseStream(events, sseEvent, options));
}

/** Streams SSE frames (see sseStream) as a `text/event-stream` response. */
export function sseFramesResponse(frames: AsyncIterator<SseFrame>, options?: SseOptions): Response {
  return eventStreamResponse(sseStream(frames, sseFrame, options));
}

function eventStreamResponse(body: ReadableStream<Uint8Array>): Response {
  return new Response(body, {
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-store, no-transform",
      Connection: "keep-alive",
      "X-Accel-Buffering": "no",
    },
  });
}
