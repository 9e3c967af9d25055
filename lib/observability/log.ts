import pino, { type Logger } from "pino";
import { env } from "../env";

/**
 * The process's logger: one JSON line per event that matters, with the instance id on every line.
 * Pretty lines in development (`npm run dev`). Never log a token, a cookie, a clientToken or
 * message text: the `redact` paths below are a safety net, not a licence.
 *
 * server.ts and the Next bundle load separate copies of this module: the logger lives on globalThis
 * so both write through one stream with one instance id.
 */
const KEY = Symbol.for("flare.log");
type Global = typeof globalThis & { [KEY]?: Logger };

const REDACT = [
  "token",
  "clientToken",
  "cookie",
  "text",
  "*.token",
  "*.clientToken",
  "*.cookie",
  "*.text",
  "headers.cookie",
  "headers.authorization",
];

export function log(): Logger {
  const g = globalThis as Global;
  return (g[KEY] ??= createLogger());
}

/** Names this process in every later line (the instance id exists only once the instance is wired). */
export function setLogInstance(instance: string): void {
  const g = globalThis as Global;
  g[KEY] = log().child({ instance });
}

function createLogger(): Logger {
  const config = env();
  const options = {
    level: config.LOG_LEVEL,
    base: undefined,
    redact: { paths: REDACT, censor: "[redacted]" },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  const pretty =
    config.LOG_FORMAT === "pretty" || (config.LOG_FORMAT === "auto" && process.env.NODE_ENV !== "production");
  if (pretty) {
    const stream = prettyStream();
    if (stream) return pino(options, stream);
  }
  return pino(options);
}

/** pino-pretty is a development dependency: a production install without it logs JSON. */
function prettyStream(): NodeJS.WritableStream | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pretty = require("pino-pretty") as (opts: object) => NodeJS.WritableStream;
    return pretty({ colorize: true, ignore: "pid,hostname", translateTime: "HH:MM:ss.l", sync: true });
  } catch {
    return undefined;
  }
}

/** An error as log fields: its message and stack, never the objects hanging off it. */
export function errorFields(e: unknown): { err: { message: string; stack?: string } } {
  if (e instanceof Error) return { err: { message: e.message, ...(e.stack ? { stack: e.stack } : {}) } };
  return { err: { message: String(e) } };
}
