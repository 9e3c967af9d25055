import Link from "next/link";

export function FlareLogo() {
  return (
    <Link href="/" className="focus-ring flex shrink-0 items-center gap-1.5 rounded-md" aria-label="Flare home">
      <svg aria-hidden="true" viewBox="0 0 24 24" className="size-6">
        <defs>
          <linearGradient id="flare-g" x1="0" x2="0" y1="1" y2="0">
            <stop offset="0" stopColor="#f97316" />
            <stop offset="1" stopColor="#fde047" />
          </linearGradient>
        </defs>
        <path
          fill="url(#flare-g)"
          d="M12 2c.6 3.2-1.1 5-2.6 6.7C7.9 10.4 6.5 12 6.5 14.6A5.5 5.5 0 0 0 12 20a5.5 5.5 0 0 0 5.5-5.5c0-2.2-1-3.9-2-5.2-.2 1.3-.9 2.3-2 2.7.6-3.3-.1-7.1-1.5-10Z"
        />
      </svg>
      <span className="text-lg font-bold tracking-tight text-zinc-50">Flare</span>
    </Link>
  );
}
