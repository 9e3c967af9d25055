"use client";

import { useCallback, useEffect, useState } from "react";
import { loadIdentity, saveIdentity, type Identity } from "@/lib/client/identity";

/**
 * This tab's identity (sessionStorage). `identity` is undefined during server rendering and the
 * first client render, so markup never depends on storage before hydration.
 */
export function useIdentity(): {
  identity: Identity | undefined;
  /** Sets the display name (already validated) and marks the identity confirmed. */
  setName(name: string): void;
} {
  const [identity, setIdentity] = useState<Identity | undefined>(undefined);

  useEffect(() => {
    setIdentity(loadIdentity());
  }, []);

  const setName = useCallback((name: string) => {
    setIdentity((current) => {
      const next: Identity = { ...(current ?? loadIdentity()), name, confirmed: true };
      saveIdentity(next);
      return next;
    });
  }, []);

  return { identity, setName };
}
