import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { tokenizeText, type TextToken } from "../../../lib/ui/linkify";

const text = (t: string): TextToken => ({ kind: "text", text: t });
const link = (t: string, href = t): TextToken => ({ kind: "link", text: t, href });

describe("tokenizeText", () => {
  it("leaves text without URLs as one text token, and empty text as none", () => {
    assert.deepEqual(tokenizeText("hello <b>world</b> **bold**"), [text("hello <b>world</b> **bold**")]);
    assert.deepEqual(tokenizeText(""), []);
  });

  it("turns http and https URLs into links, keeping the text around them", () => {
    assert.deepEqual(tokenizeText("see https://example.com/a?b=1#c and http://x.dev now"), [
      text("see "),
      link("https://example.com/a?b=1#c"),
      text(" and "),
      link("http://x.dev", "http://x.dev/"),
      text(" now"),
    ]);
    assert.deepEqual(tokenizeText("HTTPS://Example.COM/Path"), [
      link("HTTPS://Example.COM/Path", "https://example.com/Path"),
    ]);
  });

  it("leaves sentence punctuation and unmatched closing brackets outside the link", () => {
    assert.deepEqual(tokenizeText("Go to https://example.com/x."), [
      text("Go to "),
      link("https://example.com/x"),
      text("."),
    ]);
    assert.deepEqual(tokenizeText("(https://example.com/x)!"), [text("("), link("https://example.com/x"), text(")!")]);
    assert.deepEqual(tokenizeText("https://en.wikipedia.org/wiki/Flare_(disambiguation)"), [
      link("https://en.wikipedia.org/wiki/Flare_(disambiguation)"),
    ]);
  });

  it("never makes a link of another scheme or of markup", () => {
    for (const s of [
      "javascript:alert(1)",
      "JaVaScRiPt:window.__pwned=1//https://x.dev",
      "data:text/html,<script>alert(1)</script>",
      "vbscript:msgbox",
      "ftp://example.com/file",
      '<a href="https://example.com">x</a>',
      "<img src=x onerror=alert(1)>",
    ]) {
      const links = tokenizeText(s).filter((t) => t.kind === "link");
      for (const l of links) assert.match((l as { href: string }).href, /^https?:\/\//, s);
      assert.ok(
        links.every((l) => !/javascript|data:|vbscript|ftp/i.test((l as { href: string }).href.split("//")[0]!)),
        s,
      );
    }
    assert.deepEqual(tokenizeText("javascript:alert(1)"), [text("javascript:alert(1)")]);
    // Only the http URL inside it is a link; quotes and angle brackets end it.
    assert.deepEqual(tokenizeText('<a href="https://example.com">x</a>'), [
      text('<a href="'),
      link("https://example.com", "https://example.com/"),
      text('">x</a>'),
    ]);
  });

  it("does not start a link inside a word, and needs a host", () => {
    assert.deepEqual(tokenizeText("xhttps://example.com"), [text("xhttps://example.com")]);
    assert.deepEqual(tokenizeText("https://"), [text("https://")]);
    assert.deepEqual(tokenizeText("https://."), [text("https://.")]);
  });

  it("ends a link at bidi controls and zero-width characters", () => {
    assert.deepEqual(tokenizeText("https://example.com/\u202Egnp.exe"), [
      link("https://example.com/"),
      text("\u202Egnp.exe"),
    ]);
    assert.deepEqual(tokenizeText("https://a.dev\u200Bhttps://b.dev"), [
      link("https://a.dev", "https://a.dev/"),
      text("\u200B"),
      link("https://b.dev", "https://b.dev/"),
    ]);
  });

  it("round-trips: the tokens' texts put together are the input", () => {
    const inputs = ["a https://x.dev/(b) c.", "x\nhttps://y.dev\n\nz", "…https://ü.example/ä?q=ö!"];
    for (const s of inputs)
      assert.equal(
        tokenizeText(s)
          .map((t) => t.text)
          .join(""),
        s,
      );
  });
});
