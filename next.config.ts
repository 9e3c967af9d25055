import type { NextConfig } from "next";

const config: NextConfig = {
  // Node-only packages stay in node_modules: one copy shared with server.ts, and ws can load
  // its native helpers.
  serverExternalPackages: ["ws", "ioredis", "pino", "pino-pretty", "prom-client"],
  poweredByHeader: false,
  // Compressing every small JSON answer cost ~0.5 ms of CPU per request (the seat claim is one);
  // Vercel compresses at its edge, and a self-hosted deployment's proxy does it better.
  compress: false,
  // Security headers that need no per-request value (the CSP with its nonce is set in proxy.ts).
  async headers() {
    return [
      // Every answer is what its Content-Type says (no sniffing a JSON body or an upload into HTML).
      { source: "/:path*", headers: [{ key: "X-Content-Type-Options", value: "nosniff" }] },
      // A room's address lets anyone take a free seat: links followed from a room never carry it.
      { source: "/room/:path*", headers: [{ key: "Referrer-Policy", value: "no-referrer" }] },
      // Over HTTPS (TLS ends at Vercel or the proxy in front): stay on HTTPS for two years. Browsers
      // ignore the header over plain HTTP anyway; it is left out there so local runs stay clean.
      {
        source: "/:path*",
        has: [{ type: "header", key: "x-forwarded-proto", value: "https(,.*)?" }],
        headers: [{ key: "Strict-Transport-Security", value: "max-age=63072000; includeSubDomains" }],
      },
    ];
  },
};

export default config;
