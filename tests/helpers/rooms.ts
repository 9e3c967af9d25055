import assert from "node:assert/strict";
import { Browser } from "./http";

export type CreatedRoom = { roomId: string; expiresAt: number; capacity: number };

/** POST /api/rooms as `browser`, which gets the creator's seat; anything but 201 fails the test. */
export async function createRoom(browser: Browser, body: unknown = {}): Promise<CreatedRoom> {
  const res = await browser.post("/api/rooms", body);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const { roomId, expiresAt, capacity } = res.body as Record<string, unknown>;
  assert.ok(typeof roomId === "string" && typeof expiresAt === "number" && typeof capacity === "number");
  return { roomId, expiresAt, capacity };
}

/** A new browser on `base` that took a seat in `roomId`. */
export async function seatedBrowser(base: string, roomId: string): Promise<Browser> {
  const browser = new Browser(base);
  const res = await browser.post(`/api/rooms/${roomId}/join`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return browser;
}
