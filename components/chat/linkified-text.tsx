import { memo } from "react";
import { tokenizeText } from "@/lib/ui/linkify";

/**
 * Message text as text, with its http(s) URLs as links that open in a new tab. Links carry
 * `nofollow ugc` (anyone can write them) and `noopener noreferrer` (the opened page gets neither
 * this window nor the room's address).
 */
export const LinkifiedText = memo(function LinkifiedText({ text }: { text: string }) {
  return tokenizeText(text).map((token, i) =>
    token.kind === "link" ? (
      <a
        key={i}
        href={token.href}
        target="_blank"
        rel="noopener noreferrer nofollow ugc"
        data-testid="message-link"
        className="text-sky-300 underline decoration-sky-300/50 underline-offset-2 hover:decoration-sky-300"
      >
        {token.text}
      </a>
    ) : (
      token.text
    ),
  );
});
