/**
 * Splits chat text into plain runs and http(s) links. This is the only interpretation a message
 * ever gets: no HTML, no markdown, no other scheme (a `javascript:` or `data:` URL stays text).
 * Pure, so the browser component and the tests share it.
 */
export type TextToken = { kind: "text"; text: string } | { kind: "link"; text: string; href: string };

/**
 * A candidate starts at `http://` or `https://` (not inside a word) and runs to whitespace, an
 * angle bracket or a quote. Bidi controls and zero-width characters end it too: inside a link they
 * would let a URL show as something else than where it goes.
 */
const CANDIDATE =
  /(?<![\p{L}\p{N}_])https?:\/\/[^\s<>"'`\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF\u0000-\u001F\u007F]+/giu;

/** Punctuation that ends a sentence rather than a URL ("see https://x.dev."). */
const TRAILING = /[.,:;!?*_~]$/;
const CLOSERS: Record<string, string> = { ")": "(", "]": "[", "}": "{" };

/** Drops trailing punctuation, and closing brackets that have no opening partner inside the URL. */
function trimCandidate(raw: string): string {
  let url = raw;
  for (;;) {
    if (TRAILING.test(url)) {
      url = url.slice(0, -1);
      continue;
    }
    const last = url.at(-1)!;
    const opener = CLOSERS[last];
    if (opener && count(url, opener) < count(url, last)) {
      url = url.slice(0, -1);
      continue;
    }
    return url;
  }
}

function count(s: string, ch: string): number {
  let n = 0;
  for (const c of s) if (c === ch) n++;
  return n;
}

/** The normalized URL when `text` is an http(s) URL with a host, else null. */
function httpHref(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || !url.hostname) return null;
  return url.href;
}

export function tokenizeText(text: string): TextToken[] {
  const tokens: TextToken[] = [];
  let plainFrom = 0;
  const pushText = (end: number) => {
    if (end > plainFrom) tokens.push({ kind: "text", text: text.slice(plainFrom, end) });
  };
  for (const match of text.matchAll(CANDIDATE)) {
    const start = match.index;
    const url = trimCandidate(match[0]);
    const href = httpHref(url);
    // Only a scheme and "//" left (e.g. "https://."): not a link.
    if (!href || url.length <= url.indexOf("//") + 2) continue;
    pushText(start);
    tokens.push({ kind: "link", text: url, href });
    plainFrom = start + url.length;
  }
  pushText(text.length);
  return tokens;
}
