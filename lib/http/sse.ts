import type { RealtimeEvent } from "../realtime";

const KEEP_ALIVE_MS = 15_000;

/** One Server-Sent Event. Messages carry their id, so a reconnecting EventSource resumes after it. */
export function sseEvent(event: RealtimeEvent): string {
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
 * Streams realtime events as `text/event-stream`, with a comment every 15 s so proxies keep the
 * connection open. Ends when the events end (room destroyed) or the client goes away.
 */
export function sseResponse(events: AsyncIterableIterator<RealtimeEvent>): Response {
  const encoder = new TextEncoder();
  let keepAlive: NodeJS.Timeout | undefined;
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      controller.enqueue(encoder.encode("retry: 3000\n\n"));
      keepAlive = setInterval(() => controller.enqueue(encoder.encode(": keep-alive\n\n")), KEEP_ALIVE_MS);
      try {
        for await (const event of events) controller.enqueue(encoder.encode(sseEvent(event)));
      } catch (e) {
        console.error("[sse]", e);
      } finally {
        clearInterval(keepAlive);
        try {
          controller.close();
        } catch {
          // Already closed by a cancel.
        }
      }
    },
    cancel() {
      clearInterval(keepAlive);
      void events.return?.();
    },
  });
  return new Response(stream, {
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-store, no-transform",
      Connection: "keep-alive",
      "X-Accel-Buffering": "no",
    },
  });
}
