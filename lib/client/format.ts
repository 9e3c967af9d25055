import type { ConnectionStatus } from "./room-state";

/** "Connecting…", "Connected", "Reconnecting in 4 s…", "Offline", … */
export function statusLabel(status: ConnectionStatus, now: number = Date.now()): string {
  switch (status.state) {
    case "idle":
    case "connecting":
      return status.state === "connecting" && status.attempt > 0 ? "Reconnecting…" : "Connecting…";
    case "connected":
      return status.via === "fallback" ? "Connected (limited: no WebSocket)" : "Connected";
    case "reconnecting": {
      const s = Math.max(1, Math.ceil((status.retryAt - now) / 1000));
      return `Reconnecting in ${s} s…`;
    }
    case "offline":
      return "Offline";
    case "ended":
      return status.reason === "room_not_found"
        ? "Room not found"
        : status.reason === "unauthorized"
          ? "No seat"
          : "Room ended";
  }
}

/** "X is typing…", "X and Y are typing…", "X, Y and Z are typing…", "Several people are typing…". */
export function typingText(names: readonly string[]): string {
  if (names.length === 0) return "";
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  if (names.length === 3) return `${names[0]}, ${names[1]} and ${names[2]} are typing…`;
  return "Several people are typing…";
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });

export function formatTime(ts: number): string {
  return timeFormat.format(ts);
}

export function formatFullTime(ts: number): string {
  return fullFormat.format(ts);
}
