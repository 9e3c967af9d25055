"use client";

import { useEffect, useRef, useState } from "react";
import { Icon } from "../icons";

/** Copies with the Clipboard API, or (plain-HTTP origins, old browsers) a hidden textarea. */
async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // Permission denied: try the fallback.
  }
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.appendChild(area);
  const active = document.activeElement as HTMLElement | null;
  area.select();
  let ok = false;
  try {
    ok = document.execCommand("copy");
  } catch {
    ok = false;
  }
  area.remove();
  active?.focus();
  return ok;
}

/** "Copy link" to this room; confirms with "Copied", or shows the link to copy by hand. */
export function CopyLinkButton() {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  const [link, setLink] = useState("");
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);

  const copy = async () => {
    const url = `${window.location.origin}${window.location.pathname}`;
    setLink(url);
    const ok = await copyText(url);
    setState(ok ? "copied" : "failed");
    clearTimeout(timer.current);
    if (ok) timer.current = setTimeout(() => setState("idle"), 2000);
  };

  return (
    <span className="relative inline-flex">
      <button
        type="button"
        data-testid="copy-link"
        data-state={state}
        onClick={() => void copy()}
        className="focus-ring inline-flex min-h-7 items-center gap-1 rounded-lg border border-white/15 px-2 py-1 text-xs font-medium whitespace-nowrap text-zinc-200 hover:bg-white/10"
      >
        <Icon name={state === "copied" ? "check" : "copy"} className="size-3.5" />
        {/* Icon-only on phones until copied; the confirmation always shows. */}
        <span aria-live="polite" className={state === "copied" ? "" : "sr-only sm:not-sr-only"}>
          {state === "copied" ? "Copied" : "Copy link"}
        </span>
      </button>
      {state === "failed" ? (
        <span
          role="alert"
          className="absolute top-full right-0 z-30 mt-2 w-72 max-w-[calc(100vw-1.5rem)] rounded-lg border border-white/15 bg-zinc-900 p-2 text-xs text-zinc-200 shadow-xl"
        >
          Could not copy automatically. Copy this link:
          <input
            readOnly
            value={link}
            aria-label="Link to this room"
            onFocus={(e) => e.currentTarget.select()}
            autoFocus
            className="mt-1.5 w-full rounded border border-white/15 bg-zinc-950 px-2 py-1 font-mono text-[11px] text-zinc-100"
          />
          <button
            type="button"
            onClick={() => setState("idle")}
            className="focus-ring mt-1.5 rounded text-orange-300 underline"
          >
            Close
          </button>
        </span>
      ) : null}
    </span>
  );
}
