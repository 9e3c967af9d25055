import type { SocketLike } from "./connection";

/**
 * Resolves true when a WebSocket to `url` opens within `timeoutMs`, then closes it. A tab on the
 * SSE fallback asks this now and then, so it goes back to a WebSocket once one gets through.
 */
export function probeWebSocket(
  createSocket: (url: string) => SocketLike,
  url: string,
  timeoutMs: number,
): Promise<boolean> {
  return new Promise((resolve) => {
    let socket: SocketLike;
    try {
      socket = createSocket(url);
    } catch {
      return resolve(false);
    }
    const settle = (opened: boolean) => {
      clearTimeout(timer);
      socket.onopen = socket.onclose = socket.onerror = null;
      if (opened || socket.readyState === 0) socket.close(1000, "probe");
      resolve(opened);
    };
    const timer = setTimeout(() => settle(false), timeoutMs);
    socket.onopen = () => settle(true);
    socket.onclose = () => settle(false);
    socket.onerror = () => settle(false);
  });
}
