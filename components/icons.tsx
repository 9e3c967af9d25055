import { cn } from "@/lib/ui/cn";

/** 20×20 solid icons; `evenOdd` marks the ones whose inner shapes are cut out of the outer one. */
const ICONS = {
  alert: {
    evenOdd: true,
    d: "M10 2a8 8 0 1 0 0 16 8 8 0 0 0 0-16Zm0 4a1 1 0 0 1 1 1v3.5a1 1 0 1 1-2 0V7a1 1 0 0 1 1-1Zm0 8.5a1.1 1.1 0 1 1 0-2.2 1.1 1.1 0 0 1 0 2.2Z",
  },
  check: {
    evenOdd: false,
    d: "M16.7 5.3a1 1 0 0 1 0 1.4l-8 8a1 1 0 0 1-1.4 0l-4-4a1 1 0 1 1 1.4-1.4L8 12.6l7.3-7.3a1 1 0 0 1 1.4 0Z",
  },
  chevronDown: {
    evenOdd: false,
    d: "M5.3 7.3a1 1 0 0 1 1.4 0L10 10.6l3.3-3.3a1 1 0 1 1 1.4 1.4l-4 4a1 1 0 0 1-1.4 0l-4-4a1 1 0 0 1 0-1.4Z",
  },
  clock: {
    evenOdd: true,
    d: "M10 2a8 8 0 1 0 0 16 8 8 0 0 0 0-16Zm.75 4a.75.75 0 0 0-1.5 0v4c0 .2.08.39.22.53l2.5 2.5a.75.75 0 1 0 1.06-1.06l-2.28-2.28V6Z",
  },
  close: {
    evenOdd: false,
    d: "M5.3 5.3a1 1 0 0 1 1.4 0L10 8.6l3.3-3.3a1 1 0 1 1 1.4 1.4L11.4 10l3.3 3.3a1 1 0 0 1-1.4 1.4L10 11.4l-3.3 3.3a1 1 0 0 1-1.4-1.4L8.6 10 5.3 6.7a1 1 0 0 1 0-1.4Z",
  },
  copy: {
    evenOdd: false,
    d: "M8.5 3A2.5 2.5 0 0 0 6 5.5V6h-.5A2.5 2.5 0 0 0 3 8.5v6A2.5 2.5 0 0 0 5.5 17h6a2.5 2.5 0 0 0 2.5-2.5V14h.5a2.5 2.5 0 0 0 2.5-2.5v-6A2.5 2.5 0 0 0 14.5 3h-6ZM14 12.5V8.5A2.5 2.5 0 0 0 11.5 6H7.5v-.5a1 1 0 0 1 1-1h6a1 1 0 0 1 1 1v6a1 1 0 0 1-1 1H14Z",
  },
  megaphone: {
    evenOdd: false,
    d: "M15 3.5a1 1 0 0 1 1.5.9v11.2a1 1 0 0 1-1.5.9L10 13.5H8.6l.9 3a1 1 0 0 1-1 1.3H7a1 1 0 0 1-1-.7L5 13.4A3.5 3.5 0 0 1 5.5 6.5H10l5-3Z",
  },
  pencil: {
    evenOdd: false,
    d: "M13.6 3.3a2 2 0 0 1 2.8 2.8l-8.9 8.9-3.6.8.8-3.6 8.9-8.9Z",
  },
  trash: {
    evenOdd: false,
    d: "M8 2a1 1 0 0 0-1 1v1H4a1 1 0 0 0 0 2h12a1 1 0 1 0 0-2h-3V3a1 1 0 0 0-1-1H8Zm-3 6 .7 8.2A2 2 0 0 0 7.7 18h4.6a2 2 0 0 0 2-1.8L15 8H5Z",
  },
  users: {
    evenOdd: false,
    d: "M7 8a3 3 0 1 0 0-6 3 3 0 0 0 0 6Zm7.5 1a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5ZM1.6 15.6A5.5 5.5 0 0 1 12.4 15.6.9.9 0 0 1 11.5 17h-9a.9.9 0 0 1-.9-1.4ZM14.5 17h3.1a.9.9 0 0 0 .9-1.2 4.5 4.5 0 0 0-5.3-3.2 7 7 0 0 1 1.3 4.4Z",
  },
} as const;

export type IconName = keyof typeof ICONS;

/** A decorative icon (hidden from screen readers); size and colour come from `className`. */
export function Icon({ name, className }: { name: IconName; className?: string }) {
  const { d, evenOdd } = ICONS[name];
  return (
    <svg aria-hidden="true" viewBox="0 0 20 20" className={cn("size-4 fill-current", className)}>
      <path d={d} fillRule={evenOdd ? "evenodd" : undefined} clipRule={evenOdd ? "evenodd" : undefined} />
    </svg>
  );
}
