import { z } from "zod";
import { FlareError } from "../protocol";
import { invalidInput } from "../protocol/zod-issue";

const MAX_BODY_BYTES = 16 * 1024;

/**
 * Reads and validates a JSON body: 413 `too_large` past `maxBytes` (default 16 KiB), 400
 * `bad_request` for invalid JSON or fields (message text answers `empty` / `too_long` as over the
 * WebSocket). An empty body is `{}`.
 */
export async function readBody<S extends z.ZodType>(
  req: Request,
  schema: S,
  maxBytes = MAX_BODY_BYTES,
): Promise<z.infer<S>> {
  const raw = await readText(req, maxBytes);
  let value: unknown = {};
  if (raw.trim() !== "") {
    try {
      value = JSON.parse(raw);
    } catch {
      throw new FlareError("bad_request", "The body must be JSON.");
    }
  }
  return validate(schema, value);
}

/**
 * The body as UTF-8 text, read chunk by chunk and abandoned the moment it passes `max` bytes: a
 * chunked body (no Content-Length) is never held whole before the check.
 */
async function readText(req: Request, max: number): Promise<string> {
  const tooLarge = () => new FlareError("too_large", `The request body can be at most ${max / 1024} KiB.`);
  if (Number(req.headers.get("content-length") ?? "0") > max) throw tooLarge();
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      void reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new FlareError("bad_request", "The body must be UTF-8 JSON.");
  }
}

/** Validates anything (query, params) against a schema with the contract's error codes. */
export function validate<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw invalidInput(parsed.error);
}

export function queryObject(req: Request): Record<string, string> {
  return Object.fromEntries(new URL(req.url).searchParams);
}

/** HTTPS as the browser sees it (behind Vercel or a proxy: x-forwarded-proto). */
export function isHttps(req: Request): boolean {
  const forwarded = req.headers.get("x-forwarded-proto")?.split(",")[0]?.trim();
  return (forwarded ?? new URL(req.url).protocol.replace(":", "")) === "https";
}
