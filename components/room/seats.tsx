import { cn } from "@/lib/ui/cn";
import { Icon } from "../icons";

/** Seats taken of the room's capacity. */
export function Seats({ members, capacity }: { members: number; capacity: number }) {
  const full = members >= capacity;
  return (
    <span
      data-testid="seats"
      data-members={members}
      data-capacity={capacity}
      title={`${members} of ${capacity} seats taken${full ? ": the room is full" : ""}`}
      className={cn(
        "inline-flex items-center gap-1 rounded-full border px-2 py-1 text-xs font-medium whitespace-nowrap tabular-nums",
        full ? "border-amber-400/40 bg-amber-500/10 text-amber-200" : "border-white/10 bg-white/5 text-zinc-300",
      )}
    >
      <Icon name="users" className="size-3.5 opacity-80" />
      <span className="sr-only">Seats taken: </span>
      {members}/{capacity}
      <span className="sr-only"> {full ? "(full)" : ""}</span>
    </span>
  );
}
