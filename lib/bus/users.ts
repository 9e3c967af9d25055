import type { PresenceUser } from "../protocol";

/** The order of a presence list: by name, then clientId. */
export function byName(a: PresenceUser, b: PresenceUser): number {
  return a.name.localeCompare(b.name) || a.clientId.localeCompare(b.clientId);
}

/** Distinct clientIds, first name seen wins, ordered by name then clientId: a presence list. */
export function distinctUsers(entries: Iterable<{ clientId: string; name: string }>): PresenceUser[] {
  const byClient = new Map<string, string>();
  for (const e of entries) if (!byClient.has(e.clientId)) byClient.set(e.clientId, e.name);
  return [...byClient].map(([clientId, name]) => ({ clientId, name })).sort(byName);
}
