/**
 * The Content-Security-Policy of Flare's pages: only what they use. Scripts: Next's own, each
 * carrying the per-request nonce (`'strict-dynamic'` lets them load the page's chunks); nothing
 * inline without it, no `eval`. Styles: the app's stylesheet and Next's nonced `<style>` tags; no
 * `style` attribute is in the server's HTML (avatars render in the browser, where React sets their
 * sizes through the CSSOM, which CSP does not govern), so `'unsafe-inline'` is not needed.
 * Connections: this origin and its WebSocket (`ws:`/`wss:` of the same host, which older browsers do
 * not count as `'self'`). No plugins, no `<base>`, no framing.
 *
 * Development adds what Next's dev server needs: `'unsafe-eval'` (React's debug stacks) and inline
 * styles (injected by hot reloading).
 */
export function contentSecurityPolicy(opts: {
  nonce: string;
  host: string | null;
  https: boolean;
  dev: boolean;
}): string {
  const { nonce, host, https, dev } = opts;
  const socketOrigin = host && /^[A-Za-z0-9.:[\]-]+$/.test(host) ? ` ${https ? "wss" : "ws"}://${host}` : "";
  const directives = [
    `default-src 'self'`,
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    dev ? `style-src 'self' 'unsafe-inline'` : `style-src 'self' 'nonce-${nonce}'`,
    `img-src 'self' data: blob:`,
    `font-src 'self'`,
    `connect-src 'self'${socketOrigin}`,
    `object-src 'none'`,
    `base-uri 'none'`,
    `form-action 'self'`,
    `frame-ancestors 'none'`,
    ...(https ? ["upgrade-insecure-requests"] : []),
  ];
  return directives.join("; ");
}

/** A fresh nonce: 128 random bits, base64 (what CSP's `'nonce-…'` expects). */
export function newNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}
