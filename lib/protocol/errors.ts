/**
 * Error and close codes of the wire contract (`shared/protocol.md`), and the typed error the
 * server code throws. HTTP routes turn a FlareError into `{"error":{"code","message"}}`.
 */

export const ERROR_CODES = [
  "bad_frame",
  "not_joined",
  "already_joined",
  "empty",
  "too_long",
  "rate_limited",
  "unavailable",
  "room_not_found",
  "unauthorized",
  "client_taken",
  // channels
  "forbidden",
  "already_subscribed",
  "too_many_channels",
  // HTTP only
  "bad_request",
  "room_full",
  "too_large",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export const CLOSE_CODES = {
  normal: 1000,
  goingAway: 1001,
  tooLarge: 1009,
  unauthorized: 4001,
  joinTimeout: 4002,
  roomNotFound: 4004,
  slowConsumer: 4008,
  roomEnded: 4010,
  tryAgainLater: 1013,
} as const;

const HTTP_STATUS: Record<ErrorCode, number> = {
  bad_frame: 400,
  bad_request: 400,
  empty: 400,
  too_long: 400,
  not_joined: 400,
  already_joined: 400,
  unauthorized: 401,
  forbidden: 403,
  already_subscribed: 409,
  too_many_channels: 429,
  client_taken: 403,
  room_not_found: 404,
  room_full: 409,
  too_large: 413,
  rate_limited: 429,
  unavailable: 503,
};

/** Messages a person can act on; callers may pass a more specific one. */
const DEFAULT_MESSAGES: Record<ErrorCode, string> = {
  bad_frame: "That frame could not be understood.",
  bad_request: "The request is not valid.",
  not_joined: "Join a room before sending messages.",
  already_joined: "This connection has already joined a room.",
  empty: "Messages cannot be empty.",
  too_long: "Messages can be at most 1000 characters.",
  rate_limited: "You are sending too fast. Wait a moment and try again.",
  unavailable: "The message could not be stored right now. It will be resent.",
  room_not_found: "This room no longer exists.",
  unauthorized: "You do not have a seat in this room.",
  client_taken: "That clientId belongs to another tab; pick a new one (or send its clientToken).",
  forbidden: "That is not allowed.",
  already_subscribed: "This connection already follows that channel.",
  too_many_channels: "One connection can follow at most 100 channels; unsubscribe from one first.",
  room_full: "This room is full.",
  too_large: "The request is too large.",
};

export class FlareError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message?: string, options?: { cause?: unknown }) {
    super(message ?? DEFAULT_MESSAGES[code], options);
    this.name = "FlareError";
    this.code = code;
  }

  get status(): number {
    return HTTP_STATUS[this.code];
  }
}

export function defaultMessage(code: ErrorCode): string {
  return DEFAULT_MESSAGES[code];
}

export function isFlareError(e: unknown): e is FlareError {
  return e instanceof Error && (e as { name?: string }).name === "FlareError" && "code" in e;
}
