import type { IncomingMessage } from "node:http";
import { isIPv4, isIPv6 } from "node:net";
import { env } from "../env";

/**
 * The socket's peer address, written by server.ts (HTTP) and lib/server/upgrade.ts (WebSocket)
 * after deleting any copy the client sent, so a route can read what it cannot see otherwise.
 */
export const PEER_ADDRESS_HEADER = "x-flare-peer-address";

/** The platform's client address on Vercel (what `ipAddress()` of @vercel/functions reads). */
const PLATFORM_ADDRESS_HEADER = "x-real-ip";

/** What a request without any usable address is keyed on (one shared budget, never unlimited). */
export const UNKNOWN_ADDRESS = "unknown";

/** Replaces whatever the client sent as the peer-address header with the socket's real peer. */
export function stampPeerAddress(req: IncomingMessage): void {
  delete req.headers[PEER_ADDRESS_HEADER];
  req.headers[PEER_ADDRESS_HEADER] = req.socket.remoteAddress ?? "";
}

type AddressConfig = { TRUST_PROXY_HOPS: number; VERCEL?: string | undefined };

/**
 * The address every per-address limit keys on. On Vercel: the platform's header. Elsewhere: with
 * chain = [...X-Forwarded-For, peer], the entry TRUST_PROXY_HOPS places from the right, i.e. the
 * right-most address no trusted proxy vouches for (0 hops: the peer; X-Forwarded-For is ignored,
 * because a direct client writes it). IPv6 addresses are keyed by their /64: one host usually
 * holds a whole /64, so keying on the full address would hand it 2^64 budgets.
 */
export function clientAddress(headers: Headers, config: AddressConfig = env()): string {
  if (config.VERCEL) return normalizeAddress(headers.get(PLATFORM_ADDRESS_HEADER)?.split(",")[0] ?? "");
  const peer = headers.get(PEER_ADDRESS_HEADER) ?? "";
  if (config.TRUST_PROXY_HOPS === 0) return normalizeAddress(peer);
  const forwarded = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const chain = [...forwarded, peer];
  // Fewer entries than trusted hops: the left-most one is as far as the chain goes.
  const picked = chain[Math.max(0, chain.length - 1 - config.TRUST_PROXY_HOPS)]!;
  const address = normalizeAddress(picked);
  // A trusted proxy wrote garbage (or nothing usable): fall back to what the socket saw.
  return address === UNKNOWN_ADDRESS ? normalizeAddress(peer) : address;
}

/**
 * One spelling per client: `::ffff:a.b.c.d` → `a.b.c.d`, IPv6 → its /64 (`2001:db8:0:1::/64`),
 * brackets, zone ids and a port after an IPv4 address dropped. Anything else is UNKNOWN_ADDRESS.
 */
export function normalizeAddress(raw: string): string {
  let s = raw.trim().toLowerCase();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(s);
  if (bracketed) s = bracketed[1]!;
  const v4WithPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(s);
  if (v4WithPort) s = v4WithPort[1]!;
  s = s.replace(/%.*$/, "");
  if (isIPv4(s)) return s;
  if (!isIPv6(s)) return UNKNOWN_ADDRESS;
  const groups = expandIPv6(s);
  const mapped = groups.slice(0, 6).join(":") === "0:0:0:0:0:ffff";
  if (mapped) return v4FromGroups(groups[6]!, groups[7]!);
  return `${groups
    .slice(0, 4)
    .join(":")
    .replace(/(^|:)0(:0)*$/, "")}::/64`;
}

/** The eight groups of a valid IPv6 address, each without leading zeros (`"0"` for zero). */
function expandIPv6(s: string): string[] {
  let text = s;
  // A trailing dotted quad (`::ffff:1.2.3.4`) is two groups.
  const quad = /(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
  if (quad) {
    const [a, b, c, d] = quad[1]!.split(".").map(Number) as [number, number, number, number];
    text = `${text.slice(0, -quad[1]!.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split("::") as [string, string | undefined];
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const zeros = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill("0");
  return [...left, ...zeros, ...right].map((g) => parseInt(g, 16).toString(16));
}

function v4FromGroups(hi: string, lo: string): string {
  const h = parseInt(hi, 16);
  const l = parseInt(lo, 16);
  return `${h >> 8}.${h & 255}.${l >> 8}.${l & 255}`;
}
