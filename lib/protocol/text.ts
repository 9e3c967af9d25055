import { MAX_NAME_CHARS, MAX_TEXT_CHARS } from "./limits";

// C0, DEL and C1 control characters.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
// Bidi embeddings, overrides, isolates and marks: an override in a name reverses the text around it
// ("X joined" reads backwards). Zero-width characters make names that look alike or look empty.
const INVISIBLE = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u200b-\u200d\u2060\ufeff]/g;

/** Length in Unicode code points, which is how the contract counts characters. */
export function codePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** A display name as stored: control, bidi and zero-width characters removed, then trimmed. */
export function cleanName(raw: string): string {
  return raw.replace(CONTROL, "").replace(INVISIBLE, "").trim();
}

export type TextCheck = { ok: true; text: string } | { ok: false; code: "empty" | "too_long" };

/** Message text as stored: trimmed, 1–1000 code points. */
export function checkText(raw: string): TextCheck {
  const text = raw.trim();
  if (text.length === 0) return { ok: false, code: "empty" };
  if (codePoints(text) > MAX_TEXT_CHARS) return { ok: false, code: "too_long" };
  return { ok: true, text };
}

export function isValidName(name: string): boolean {
  const n = codePoints(name);
  return n >= 1 && n <= MAX_NAME_CHARS;
}
