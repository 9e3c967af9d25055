import type { z } from "zod";
import { ERROR_CODES, FlareError, type ErrorCode } from "./errors";

/**
 * How a failed zod parse is reported, over WebSocket and HTTP alike: the first issue as
 * "path: message" (just the message at the top level), and the contract's error code.
 */

export function issueMessage(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "invalid input";
  const path = issue.path.map(String).join(".");
  return path ? `${path}: ${issue.message}` : issue.message;
}

/** A refinement may name its code (`params: { code: "empty" }`); anything else is `bad_request`. */
export function issueCode(error: z.ZodError): ErrorCode {
  const issue = error.issues[0];
  const named: unknown = issue?.code === "custom" ? issue.params?.code : undefined;
  return isErrorCode(named) ? named : "bad_request";
}

/** The FlareError for input that failed its schema. */
export function invalidInput(error: z.ZodError): FlareError {
  return new FlareError(issueCode(error), issueMessage(error));
}

function isErrorCode(value: unknown): value is ErrorCode {
  return (ERROR_CODES as readonly unknown[]).includes(value);
}
