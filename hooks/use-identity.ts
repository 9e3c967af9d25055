"use client";

import { useSyncExternalStore } from "react";
import { loadIdentity, saveIdentity, withCredentials, type Identity } from "@/lib/client/identity";

/** This tab's identity, read from sessionStorage once and then kept here with every change. */
let current: Identity | undefined;
const listeners = new Set<() => void>();

function subscribe(notify: () => void): () => void {
  listeners.add(notify);
  return () => listeners.delete(notify);
}

const getSnapshot = () => (current ??= loadIdentity());
const getServerSnapshot = () => undefined;

function update(next: Identity): void {
  current = next;
  saveIdentity(current);
  for (const l of listeners) l();
}

/** Sets the display name (already validated) and marks the identity confirmed. */
function setName(name: string): void {
  update({ ...getSnapshot(), name, confirmed: true });
}

/** This tab's clientToken, for a room connection about to join as this tab's clientId. */
export function tabClientToken(clientId: string): string | undefined {
  const identity = getSnapshot();
  return identity.clientId === clientId ? identity.clientToken : undefined;
}

/**
 * Keeps what a room connection learned: the token a `joined` gave this clientId, or a new clientId
 * after `client_taken` (the server said another tab owns the old one). The name stays.
 */
export function rememberCredentials(clientId: string, clientToken: string | undefined): void {
  const identity = getSnapshot();
  if (identity.clientId === clientId && identity.clientToken === clientToken) return;
  update(withCredentials(identity, clientId, clientToken));
}

/**
 * This tab's identity (sessionStorage). `identity` is undefined during server rendering and
 * hydration, so markup never depends on storage before hydration.
 */
export function useIdentity(): { identity: Identity | undefined; setName(name: string): void } {
  const identity = useSyncExternalStore(subscribe, getSnapshot, getServerSnapshot);
  return { identity, setName };
}
