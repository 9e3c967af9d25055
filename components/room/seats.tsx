/** Seats taken of the room's capacity. */
export function Seats({ members, capacity }: { members: number; capacity: number }) {
  const full = members >= capacity;
  return (
    <span
      data-testid="seats"
      data-members={members}
      data-capacity={capacity}
      title={`${members} of ${capacity} seats taken${full ? ": the room is full" : ""}`}
      className={`inline-flex items-center gap-1 rounded-full border px-2 py-1 text-xs font-medium whitespace-nowrap tabular-nums ${
        full ? "border-amber-400/40 bg-amber-500/10 text-amber-200" : "border-white/10 bg-white/5 text-zinc-300"
      }`}
    >
      <svg aria-hidden="true" viewBox="0 0 20 20" className="size-3.5 fill-current opacity-80">
        <path d="M7 8a3 3 0 1 0 0-6 3 3 0 0 0 0 6Zm7.5 1a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5ZM1.6 15.6A5.5 5.5 0 0 1 12.4 15.6.9.9 0 0 1 11.5 17h-9a.9.9 0 0 1-.9-1.4ZM14.5 17h3.1a.9.9 0 0 0 .9-1.2 4.5 4.5 0 0 0-5.3-3.2 7 7 0 0 1 1.3 4.4Z" />
      </svg>
      <span className="sr-only">Seats taken: </span>
      {members}/{capacity}
      <span className="sr-only"> {full ? "(full)" : ""}</span>
    </span>
  );
}
