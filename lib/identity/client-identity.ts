import { randomBytes } from "node:crypto";
import { nanoid } from "nanoid";
import { FlareError } from "../protocol";
import { SERVER_CLIENT_ID } from "../chat/schema";
import { hashToken } from "../rooms/tokens";
import type { ClientBindings } from "./types";

/** A binding lives this long after its last use (protocol v1.1 rule 1). */
export const CLIENT_BINDING_TTL_MS = 24 * 60 * 60 * 1000;

/** A clientToken: 192 random bits, base64url (32 characters). */
export function newClientToken(): string {
  return randomBytes(24).toString("base64url");
}

/** A clientId for an HTTP post that names none: it gets its own binding, never `"server"`'s name. */
export function newClientId(): string {
  return nanoid();
}

export type Claim = {
  /** The token to hand back: the one presented, or a fresh one. */
  token: string;
  /** The clientId had no binding and this claim created it. */
  bound: boolean;
};

/**
 * Who may speak as a clientId: the holder of the token its first join (or HTTP post) received.
 * `"server"` belongs to server code and is never granted. A token presented for a clientId
 * without a binding (e.g. after Redis lost its data) binds that clientId to it again, so a tab
 * keeps its identity through a store restart.
 */
export class ClientIdentity {
  constructor(private readonly bindings: ClientBindings) {}

  /** Throws FlareError `client_taken` (or `unavailable` when the store is down). */
  async claim(clientId: string, token: string | undefined): Promise<Claim> {
    if (clientId === SERVER_CLIENT_ID) throw new FlareError("client_taken");
    const presented = token ?? newClientToken();
    const outcome = await this.bindings.bind(clientId, hashToken(presented), CLIENT_BINDING_TTL_MS);
    if (outcome === "taken") throw new FlareError("client_taken");
    return { token: presented, bound: outcome === "bound" };
  }
}
