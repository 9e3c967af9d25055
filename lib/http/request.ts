import { z } from "zod";
import { FlareError } from "../protocol";
import { invalidInput } from "../protocol/zod-issue";

const MAX_BODY_BYTES = 16 * 1024;

/**
 * Reads and validates a JSON body: 413 `too_large` past 16 KiB, 400 `bad_request` for invalid JSON
 * or fields (message text answers `empty` / `too_long` as over the WebSocket). An empty body is `{}`.
 */
export async function readBody<S extends z.ZodType>(req: Request, schema: S): Promise<z.infer<S>> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) throw new FlareError("too_large", "The request body can be at most 16 KiB.");
  const raw = await req.text();
  if (Buffer.byteLength(raw) > MAX_BODY_BYTES)
    throw new FlareError("too_large", "The request body can be at most 16 KiB.");
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
