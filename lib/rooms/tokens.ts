import { createHash, randomBytes } from "node:crypto";
import { customAlphabet } from "nanoid";

/** Room ids: 21 URL-safe characters from nanoid's alphabet (~126 bits). */
export const newRoomId = customAlphabet("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-", 21);

export const ROOM_ID_PATTERN = /^[A-Za-z0-9_-]{21,64}$/;

/** A seat token: 256 random bits, base64url. */
export function newSeatToken(): string {
  return randomBytes(32).toString("base64url");
}

/** Only the hash of a seat token is stored, so a read of the store grants no seat. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("base64url");
}
