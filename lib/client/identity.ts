import { nanoid } from "nanoid";
import { z } from "zod";
import { cleanName, clientIdSchema, clientTokenSchema, isValidName, MAX_NAME_CHARS, parseStored } from "../protocol";
import { randomName } from "./names";

/**
 * Per-tab identity, kept in sessionStorage: a tab keeps its clientId across reloads, a new tab
 * gets a new one. `confirmed` is set once the person chose (or accepted) a name and joined.
 * `clientToken` proves the clientId to the server (from the first `joined`); it goes with the
 * clientId and is dropped when the clientId changes.
 */
export type Identity = { clientId: string; name: string; confirmed: boolean; clientToken?: string };

const KEY = "flare.identity.v1";
/** What sessionStorage may hold; a bad name is replaced, a bad clientId starts afresh. */
const storedIdentity = z.object({
  clientId: clientIdSchema,
  name: z.unknown(),
  confirmed: z.unknown(),
  clientToken: z.unknown().optional(),
});

function storage(): Storage | undefined {
  try {
    return typeof window === "undefined" ? undefined : window.sessionStorage;
  } catch {
    return undefined; // storage disabled
  }
}

function newIdentity(): Identity {
  return { clientId: newClientId(), name: randomName(), confirmed: false };
}

function parse(raw: string | null | undefined): Identity | undefined {
  const v = raw ? parseStored(storedIdentity, raw) : undefined;
  if (!v) return undefined;
  const name = typeof v.name === "string" ? cleanName(v.name) : "";
  const token = clientTokenSchema.safeParse(v.clientToken);
  return {
    clientId: v.clientId,
    name: isValidName(name) ? name : randomName(),
    confirmed: v.confirmed === true,
    ...(token.success ? { clientToken: token.data } : {}),
  };
}

/** A clientId for this tab: a fresh one, also when the server said the old one is taken. */
export function newClientId(): string {
  return nanoid();
}

/** The identity under another clientId (and its token, if known); the name stays. */
export function withCredentials(identity: Identity, clientId: string, clientToken: string | undefined): Identity {
  const { clientToken: _old, ...rest } = identity;
  return { ...rest, clientId, ...(clientToken !== undefined ? { clientToken } : {}) };
}

/** Reads this tab's identity, creating and storing one on first use. */
export function loadIdentity(): Identity {
  const store = storage();
  const existing = parse(store?.getItem(KEY));
  if (existing) return existing;
  const fresh = newIdentity();
  saveIdentity(fresh);
  return fresh;
}

/** Persists the identity in this tab's sessionStorage. */
export function saveIdentity(identity: Identity): void {
  try {
    storage()?.setItem(KEY, JSON.stringify(identity));
  } catch {
    // Quota or privacy mode: the identity lives for this page only.
  }
}

/** A name as the server will store it, or an error a person can read. */
export function validateName(raw: string): { ok: true; name: string } | { ok: false; message: string } {
  const name = cleanName(raw);
  if (name.length === 0) return { ok: false, message: "Pick a name." };
  if (!isValidName(name)) return { ok: false, message: `Names can be at most ${MAX_NAME_CHARS} characters.` };
  return { ok: true, name };
}
