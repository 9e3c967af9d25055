import type { ClusterNode, RedisOptions } from "ioredis";

/**
 * What REDIS_URL names: one Redis (`redis://`, `rediss://`, as ioredis reads them), or a Redis
 * Cluster by some of its nodes: `redis+cluster://[user:password@]host:port,host:port,…`
 * (`rediss+cluster://` for TLS). ioredis discovers the rest of the cluster from any one of them.
 */
export type RedisTarget =
  | { kind: "single"; url: string }
  | { kind: "cluster"; nodes: ClusterNode[]; options: Pick<RedisOptions, "username" | "password" | "tls"> };

const CLUSTER_SCHEME = /^(rediss?)\+cluster:\/\//i;

export function redisTarget(url: string): RedisTarget {
  const scheme = CLUSTER_SCHEME.exec(url);
  if (!scheme) return { kind: "single", url };
  const rest = url.slice(scheme[0].length).replace(/\/.*$/, "");
  const at = rest.lastIndexOf("@");
  const auth = at >= 0 ? rest.slice(0, at) : "";
  const hosts = at >= 0 ? rest.slice(at + 1) : rest;
  const nodes = hosts
    .split(",")
    .map((h) => h.trim())
    .filter(Boolean)
    .map((h) => {
      const colon = h.lastIndexOf(":");
      const port = colon >= 0 ? Number(h.slice(colon + 1)) : 6379;
      if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`REDIS_URL: bad port in "${h}"`);
      return { host: colon >= 0 ? h.slice(0, colon).replace(/^\[|\]$/g, "") : h, port };
    });
  if (nodes.length === 0) throw new Error("REDIS_URL: a redis+cluster:// URL needs at least one host:port");
  const options: Pick<RedisOptions, "username" | "password" | "tls"> = {};
  if (auth) {
    const colon = auth.indexOf(":");
    const user = decodeURIComponent(colon >= 0 ? auth.slice(0, colon) : "");
    const password = decodeURIComponent(colon >= 0 ? auth.slice(colon + 1) : auth);
    if (user) options.username = user;
    if (password) options.password = password;
  }
  if (scheme[1]!.toLowerCase() === "rediss") options.tls = {};
  return { kind: "cluster", nodes, options };
}
