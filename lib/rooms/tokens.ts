import { createHash, randomFillSync } from "node:crypto";
import { customAlphabet } from "nanoid";

/** Room ids: 21 URL-safe characters from nanoid's alphabet (~126 bits). */
export const newRoomId = customAlphabet("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-", 21);

export const ROOM_ID_PATTERN = /^[A-Za-z0-9_-]{21,64}$/;

const SEAT_TOKEN_BYTES = 32;

/**
 * Random bytes for seat tokens, drawn from the CSPRNG 128 tokens at a time (as Node's randomUUID
 * does): one call into OpenSSL per token cost ~6 % of a seat claim's CPU under load. Each byte
 * is handed out once and then zeroed.
 */
const pool = Buffer.alloc(SEAT_TOKEN_BYTES * 128);
let poolOffset = pool.length;

/** A seat token: 256 random bits, base64url. */
export function newSeatToken(): string {
  if (poolOffset === pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const bytes = pool.subarray(poolOffset, poolOffset + SEAT_TOKEN_BYTES);
  poolOffset += SEAT_TOKEN_BYTES;
  const token = bytes.toString("base64url");
  bytes.fill(0);
  return token;
}

/** Only the hash of a seat token is stored, so a read of the store grants no seat. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("base64url");
}
