/**
 * The ONLY place Redis key names are built. Everything Flare stores lives under `flare:`.
 *
 * Every key of a room carries the room id as a hash tag (`flare:{<room>}:…`) so that all of a
 * room's keys hash to one Redis Cluster slot: the Lua scripts touch several of them at once and
 * `deleteRoom` DELs them in one command. Room ids are opaque strings; a `}` inside one only moves
 * the hash tag's end, all keys of that room still share it, and since no suffix below contains
 * `}:`, two different rooms can never build the same key.
 */
export const KEY_PREFIX = "flare:";

/** Global stream of `destroyed` events (MAXLEN ~1000); every instance's reader always reads it. */
export const CONTROL_STREAM = `${KEY_PREFIX}control`;

/**
 * Instance liveness (lib/bus/redis/liveness.ts). Zset: the incarnation of every running instance →
 * its last beat (ms, Redis clock). Beside it, with the same hash tag so one script moves entries
 * between them: incarnations taken for dead and being swept → when the sweep was claimed.
 */
export const INSTANCES_KEY = `${KEY_PREFIX}{instances}`;
export const SWEEPING_KEY = `${KEY_PREFIX}{instances}:sweeping`;

/** Set: the rooms where an incarnation holds presence entries; its sweeper visits these. */
export function instanceRoomsKey(incarnation: number): string {
  return `${KEY_PREFIX}instance:{${incarnation}}:rooms`;
}

/**
 * Prefix of the per-address limit counters (rate-limiter-flexible appends `:<key>`, e.g.
 * `flare:limit:joins:203.0.113.7`); each expires with its window.
 */
export function limitKeyPrefix(limit: string): string {
  return `${KEY_PREFIX}limit:${limit}`;
}

/**
 * String: the SHA-256 hash of the token a clientId is bound to (lib/identity), expiring 24 h after
 * its last use. Not a room key: one clientId speaks in every room. clientIds are `[A-Za-z0-9_-]`,
 * so the key has no hash tag of its own.
 */
export function clientBindingKey(clientId: string): string {
  return `${KEY_PREFIX}client:${clientId}`;
}

export type RoomKeys = {
  /** Stream: the room's messages; the stream id is the message id. */
  messages: string;
  /** Stream: typing / presence events relayed between instances. */
  events: string;
  /** Zset: connectionId → the incarnation of the instance holding it (see INSTANCES_KEY). */
  presence: string;
  /** Hash: connectionId → JSON {clientId, name, instance}. */
  conns: string;
  /** Set: clientIds announced with a "joined" message and not yet "left". */
  announced: string;
  /** Hash: `clientId\nnonce` → first message id. */
  nonces: string;
  /** Zset: `clientId\nnonce` → when it was stored (ms), for the 10-minute dedupe window. */
  nonceTimes: string;
  /** Hash (private rooms only): expiresAt, capacity, createdAt. Its expiry is the room's expiry. */
  meta: string;
  /** Set (private rooms only): hashes of seat tokens. */
  seats: string;
  /** Hash: clientId → how many of its connections are in `presence` (the index that keeps presence O(1)). */
  clients: string;
  /** Zset: online clientId → when its first connection came (ms): `count` is its size, `users` its head. */
  online: string;
  /** Hash: online clientId → the name its newest connection brought. */
  names: string;
  /** Stream: the room channel's typed events (lib/channels); the same key as `channelKey(room)`. */
  channel: string;
};

/** The order of `allRoomKeys`; the Lua scripts address KEYS[i] by these positions (1-based there). */
export const ROOM_KEY_ORDER = [
  "messages",
  "events",
  "presence",
  "conns",
  "announced",
  "nonces",
  "nonceTimes",
  "meta",
  "seats",
  "clients",
  "online",
  "names",
  "channel",
] as const satisfies readonly (keyof RoomKeys)[];

export function roomKeys(room: string): RoomKeys {
  const base = `${KEY_PREFIX}{${room}}`;
  return {
    messages: `${base}:messages`,
    events: `${base}:events`,
    presence: `${base}:presence`,
    conns: `${base}:conns`,
    announced: `${base}:announced`,
    nonces: `${base}:nonces`,
    nonceTimes: `${base}:nonce-times`,
    meta: `${base}:meta`,
    seats: `${base}:seats`,
    clients: `${base}:clients`,
    online: `${base}:online`,
    names: `${base}:names`,
    channel: channelKey(room),
  };
}

/**
 * Stream: a channel's typed events (lib/channels), with the channel name as hash tag. A room
 * channel is named by its room's id, so its key is one of the room's keys (same slot, deleted and
 * expired with the room); channel names are `[A-Za-z0-9_.:-]`, so no name can end the tag early.
 */
export function channelKey(channel: string): string {
  return `${KEY_PREFIX}{${channel}}:channel`;
}

/** A room's keys in `ROOM_KEY_ORDER`: the KEYS of a room script that declares them all. */
export type RoomKeyList = KeyList<typeof ROOM_KEY_ORDER>;
/** One key per name, in the names' order. */
export type KeyList<T extends readonly unknown[]> = { -readonly [I in keyof T]: string };
export type RoomKeyName = (typeof ROOM_KEY_ORDER)[number];

/** Every key of the room, in `ROOM_KEY_ORDER`. */
export function allRoomKeys(room: string): RoomKeyList {
  return roomKeyList(room, ROOM_KEY_ORDER);
}

/** The named keys of the room, in that order: the KEYS of a room script that declares only those. */
export function roomKeyList<const N extends readonly RoomKeyName[]>(room: string, names: N): KeyList<N> {
  const keys = roomKeys(room);
  const list = names.map((name) => keys[name]);
  if (!isKeyList(list, names)) throw new Error("unreachable: one key per name");
  return list;
}

function isKeyList<N extends readonly RoomKeyName[]>(keys: string[], names: N): keys is KeyList<N> {
  return keys.length === names.length;
}
