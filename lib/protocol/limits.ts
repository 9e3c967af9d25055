/** Numbers fixed by the wire contract. Shared by server, client and tests. */
export const LOBBY = "lobby";
export const MAX_FRAME_BYTES = 64 * 1024;
export const MAX_TEXT_CHARS = 1000;
export const MAX_NAME_CHARS = 40;
export const MAX_ID_CHARS = 64;
export const HISTORY_ON_JOIN = 50;
export const ROOM_RETAINS = 1000;
export const NONCE_DEDUPE_MS = 10 * 60 * 1000;
export const RATE_PER_SECOND = 10;
export const RATE_BURST = 20;
export const TYPING_THROTTLE_MS = 2000;
export const MAX_BUFFERED_BYTES = 1024 * 1024;
export const SLOW_CONSUMER_KILL_MS = 5000;
/** v1.1 liveness: the server pings at least this often and drops a socket silent this long. */
export const SERVER_PING_INTERVAL_MS = 30_000;
export const PONG_TIMEOUT_MS = 60_000;
/** v1.1: a connection admitted to nothing (no join, no subscribe) this long is closed with 4002. */
export const JOIN_TIMEOUT_MS = 10_000;
/** v1.1: every client frame counts against this budget per connection (the message limit stays). */
export const FRAME_RATE_PER_SECOND = 100;
export const FRAME_BURST = 400;
/** `presence.users` lists at most this many (the earliest online); `count` stays exact (v1.1 rule 2). */
export const PRESENCE_MAX_USERS = 100;
/**
 * A resume (`since`) whose backlog would exceed this many JSON bytes gets the reset instead (the
 * newest 50): well under the 1 MiB slow-consumer cut, so a resume can never loop a client on it.
 */
export const HISTORY_MAX_BYTES = 256 * 1024;

/** clientId: what the join frame accepts and what a browser generates. */
export const CLIENT_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Private rooms: TTL in seconds and seats, as `POST /api/rooms` accepts them. */
export const ROOM_TTL = { min: 10, max: 24 * 60 * 60, default: 600 } as const;
export const ROOM_CAPACITY = { min: 2, max: 50, default: 2 } as const;
