"use client";

import { useSyncExternalStore } from "react";
import { loadIdentity, saveIdentity, type Identity } from "@/lib/client/identity";

/** This tab's identity, read from sessionStorage once and then kept here with every change. */
let current: Identity | undefined;
const listeners = new Set<() => void>();

function subscribe(notify: () => void): () => void {
  listeners.add(notify);
  return () => listeners.delete(notify);
}

const getSnapshot = () => (current ??= loadIdentity());
const getServerSnapshot = () => undefined;

/** Sets the display name (already validated) and marks the identity confirmed. */
function setName(name: string): void {
  current = { ...getSnapshot(), name, confirmed: true };
  saveIdentity(current);
  for (const l of listeners) l();
}

/**
 * This tab's identity (sessionStorage). `identity` is undefined during server rendering and
 * hydration, so markup never depends on storage before hydration.
 */
export function useIdentity(): { identity: Identity | undefined; setName(name: string): void } {
  const identity = useSyncExternalStore(subscribe, getSnapshot, getServerSnapshot);
  return { identity, setName };
}
