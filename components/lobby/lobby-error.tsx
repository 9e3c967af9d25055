"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { Icon } from "../icons";

const ERRORS: Record<string, { title: string; body: string }> = {
  room_full: {
    title: "This room is full",
    body: "Every seat in that private room is taken. Ask for a new link, or create a room of your own.",
  },
  room_not_found: {
    title: "This room no longer exists",
    body: "It expired or was destroyed. Private rooms self-destruct; create a new one to keep talking.",
  },
};

/**
 * Why `/room/:id` sent the browser back here (`?error=room_full|room_not_found`), until dismissed. It is announced
 * (role="alert") without taking the focus from the join form.
 */
export function LobbyError() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const code = params.get("error");
  const error = code ? ERRORS[code] : undefined;

  if (!error) return null;
  const dismiss = () => {
    const rest = new URLSearchParams(params);
    rest.delete("error");
    const query = rest.toString();
    router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false });
  };

  return (
    <div className="pointer-events-none fixed inset-x-0 top-2 z-50 flex justify-center px-3">
      <div
        role="alert"
        data-testid="lobby-error"
        data-code={code}
        className="pointer-events-auto flex w-full max-w-md items-start gap-3 rounded-xl border border-rose-500/40 bg-rose-950/95 px-4 py-3 text-rose-50 shadow-2xl"
      >
        <Icon name="alert" className="mt-0.5 size-5 shrink-0 fill-rose-300" />
        <div className="min-w-0 flex-1">
          <p className="text-sm font-semibold">{error.title}</p>
          <p className="mt-0.5 text-xs text-rose-200/90">{error.body}</p>
        </div>
        <button
          type="button"
          data-testid="lobby-error-dismiss"
          onClick={dismiss}
          aria-label="Dismiss"
          className="focus-ring focus-ring-danger -mt-1 -mr-2 rounded-md p-1.5 text-rose-200 hover:bg-white/10"
        >
          <Icon name="close" />
        </button>
      </div>
    </div>
  );
}
