"use client";

import { useId, useRef, useState } from "react";
import { useDismiss } from "@/hooks/use-dismiss";
import type { PresenceUser } from "@/lib/protocol";
import { Avatar } from "./avatar";

export type PresenceProps = {
  users: readonly PresenceUser[];
  /** Distinct clientIds online (from the server), already clamped for display. */
  count: number;
  selfId: string;
};

function sortUsers(users: readonly PresenceUser[], selfId: string): PresenceUser[] {
  return [...users].sort((a, b) =>
    a.clientId === selfId ? -1 : b.clientId === selfId ? 1 : a.name.localeCompare(b.name),
  );
}

function UserRows({ users, selfId }: { users: readonly PresenceUser[]; selfId: string }) {
  return (
    <ul className="space-y-1">
      {sortUsers(users, selfId).map((u) => (
        <li
          key={u.clientId}
          data-testid="presence-user"
          data-client-id={u.clientId}
          className="flex items-center gap-2 rounded-md px-2 py-1.5 text-sm text-zinc-200"
        >
          <span className="relative">
            <Avatar clientId={u.clientId} size={24} />
            <span
              aria-hidden="true"
              className="absolute -right-0.5 -bottom-0.5 size-2 rounded-full bg-emerald-400 ring-2 ring-zinc-950"
            />
          </span>
          <span className="truncate">
            <bdi>{u.name}</bdi>
          </span>
          {u.clientId === selfId ? <span className="text-xs text-zinc-500">(you)</span> : null}
        </li>
      ))}
    </ul>
  );
}

/** The sidebar list (wide screens). */
export function PresenceList({ users, count, selfId }: PresenceProps) {
  return (
    <section aria-labelledby="presence-heading" className="p-3">
      <h2 id="presence-heading" className="px-2 pb-2 text-xs font-semibold tracking-wide text-zinc-400 uppercase">
        Online <span data-testid="presence-count">{count}</span>
      </h2>
      <UserRows users={users} selfId={selfId} />
    </section>
  );
}

/** A compact avatar stack that toggles the list (narrow screens). */
export function PresenceStack({ users, count, selfId }: PresenceProps) {
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const root = useRef<HTMLDivElement>(null);

  useDismiss(root, open, () => setOpen(false));

  const shown = sortUsers(users, selfId).slice(0, 3);
  return (
    <div ref={root} className="relative">
      <button
        type="button"
        data-testid="presence-toggle"
        aria-expanded={open}
        aria-controls={panelId}
        aria-label={`${count} online. Show who is online`}
        onClick={() => setOpen((o) => !o)}
        className="focus-ring flex items-center gap-1.5 rounded-full border border-white/10 bg-white/5 py-0.5 pr-2.5 pl-0.5 text-xs text-zinc-300 hover:bg-white/10"
      >
        <span className="flex -space-x-2">
          {shown.map((u) => (
            <Avatar key={u.clientId} clientId={u.clientId} size={22} className="ring-2 ring-zinc-950" />
          ))}
        </span>
        <span data-testid="presence-count-compact">{count}</span>
      </button>
      {open ? (
        <div
          id={panelId}
          className="absolute right-0 z-30 mt-2 max-h-80 w-64 overflow-y-auto rounded-xl border border-white/10 bg-zinc-900 p-2 shadow-2xl"
        >
          <p className="px-2 pb-1 text-xs font-semibold tracking-wide text-zinc-400 uppercase">Online {count}</p>
          <UserRows users={users} selfId={selfId} />
        </div>
      ) : null}
    </div>
  );
}
