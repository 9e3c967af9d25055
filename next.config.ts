import type { NextConfig } from "next";

const config: NextConfig = {
  // Node-only packages stay in node_modules: one copy shared with server.ts, and ws can load
  // its native helpers.
  serverExternalPackages: ["ws", "ioredis"],
  poweredByHeader: false,
};

export default config;
