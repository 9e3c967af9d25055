import { existsSync } from "node:fs";
import { execFileSync } from "node:child_process";

export const inCI = process.env.CI === "true";

/** Resolves a binary on PATH (or an absolute path), or undefined. */
export function findBinary(name: string): string | undefined {
  if (name.startsWith("/")) return existsSync(name) ? name : undefined;
  try {
    return execFileSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Locally a missing binary skips its tests, loudly; in CI (CI=true) it fails them.
 * Returns the skip reason for node:test's `{ skip }`, or false.
 */
export function skipUnless(binary: string, purpose: string): string | false {
  if (findBinary(binary)) return false;
  const msg = `${binary} not found: ${purpose} tests cannot run`;
  if (inCI) throw new Error(`${msg} (CI=true requires them)`);
  console.warn(`\n!!!!! SKIPPING: ${msg}. Install it to run them. !!!!!\n`);
  return msg;
}
