import type { NextConfig } from "next";

const config: NextConfig = {
  // Node-only packages stay in node_modules: one copy shared with server.ts, and ws can load
  // its native helpers.
  serverExternalPackages: ["ws", "ioredis", "pino", "pino-pretty", "prom-client"],
  poweredByHeader: false,
  // Compressing every small JSON answer cost ~0.5 ms of CPU per request (the seat claim is one);
  // Vercel compresses at its edge, and a self-hosted deployment's proxy does it better.
  compress: false,
};

export default config;
