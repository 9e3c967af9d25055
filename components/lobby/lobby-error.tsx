"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";

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
        <svg aria-hidden="true" viewBox="0 0 20 20" className="mt-0.5 size-5 shrink-0 fill-rose-300">
          <path d="M10 2a8 8 0 1 0 0 16 8 8 0 0 0 0-16Zm0 4a1 1 0 0 1 1 1v3.5a1 1 0 1 1-2 0V7a1 1 0 0 1 1-1Zm0 8.5a1.1 1.1 0 1 1 0-2.2 1.1 1.1 0 0 1 0 2.2Z" />
        </svg>
        <div className="min-w-0 flex-1">
          <p className="text-sm font-semibold">{error.title}</p>
          <p className="mt-0.5 text-xs text-rose-200/90">{error.body}</p>
        </div>
        <button
          type="button"
          data-testid="lobby-error-dismiss"
          onClick={dismiss}
          aria-label="Dismiss"
          className="-mt-1 -mr-2 rounded-md p-1.5 text-rose-200 hover:bg-white/10 focus-visible:outline-2 focus-visible:outline-rose-300"
        >
          <svg aria-hidden="true" viewBox="0 0 20 20" className="size-4 fill-current">
            <path d="M5.3 5.3a1 1 0 0 1 1.4 0L10 8.6l3.3-3.3a1 1 0 1 1 1.4 1.4L11.4 10l3.3 3.3a1 1 0 0 1-1.4 1.4L10 11.4l-3.3 3.3a1 1 0 0 1-1.4-1.4L8.6 10 5.3 6.7a1 1 0 0 1 0-1.4Z" />
          </svg>
        </button>
      </div>
    </div>
  );
}
