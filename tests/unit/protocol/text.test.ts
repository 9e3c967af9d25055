import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { cleanName, isValidName, parseClientFrame } from "../../../lib/protocol";
import { emitSchemas } from "../../../lib/chat/schema";

const BIDI = [
  "\u202a",
  "\u202b",
  "\u202c",
  "\u202d",
  "\u202e",
  "\u2066",
  "\u2067",
  "\u2068",
  "\u2069",
  "\u200e",
  "\u200f",
  "\u061c",
];
const ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"];

function joinName(name: string): string | null {
  const r = parseClientFrame(JSON.stringify({ type: "join", room: "lobby", clientId: "c", name }));
  return r.ok && r.frame.type === "join" ? r.frame.name : null;
}

describe("cleanName: bidi controls and zero-width characters", () => {
  it("strips every bidi control and zero-width character", () => {
    for (const ch of [...BIDI, ...ZERO_WIDTH]) {
      const code = ch.codePointAt(0)!.toString(16);
      assert.equal(cleanName(`An${ch}na`), "Anna", `U+${code}`);
    }
  });

  it("an override can no longer reverse what follows the name", () => {
    // "\u202e" would render "Eve joined" as "denioj evE" after the name.
    assert.equal(cleanName("Eve\u202e"), "Eve");
    assert.equal(joinName("\u2067Eve\u2069 \u202e"), "Eve");
  });

  it("keeps letters of right-to-left scripts and emoji sequences without joiners intact", () => {
    assert.equal(cleanName("مريم"), "مريم");
    assert.equal(cleanName("שרה 🦦"), "שרה 🦦");
  });

  it("applies the 1–40 rule after stripping", () => {
    assert.equal(joinName("\u200b\u200d\ufeff"), null, "a name of only invisible characters is empty");
    assert.equal(joinName(" \u202e \u2066 "), null);
    // 40 letters plus invisible characters is still 40 code points once stripped.
    assert.equal(joinName(`${"a".repeat(20)}\u200b${"a".repeat(20)}\u202e`), "a".repeat(40));
    assert.equal(joinName("a".repeat(41)), null);
    assert.ok(!isValidName(cleanName("\u2060")));
  });

  it("the HTTP post body follows the same rule", () => {
    const ok = emitSchemas.message.safeParse({ name: "\u202eBob\u200b", text: "hi" });
    assert.ok(ok.success);
    assert.equal(ok.data.name, "Bob");
    assert.equal(emitSchemas.message.safeParse({ name: "\u200b", text: "hi" }).success, false);
  });
});
