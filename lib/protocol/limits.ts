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
