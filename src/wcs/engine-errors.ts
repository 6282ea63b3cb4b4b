import { DuplicateCallError } from "../call/engine";
import { DuplicateOutputError } from "../output/output-types";
import { LimitError } from "../call/engine-limits";
import { ConfigError, InvalidStateError } from "../errors";
import { WcsHttpError, badField } from "./wcs-http-error";

/**
 * Turns what the engine throws into the WCS status: ConfigError (its message starts with the
 * option name, which for calls is the WCS field name: callee, callId, rtmpUrl, rtmpStream) → 400, a duplicate → 409, a wrong call state → 409,
 * a LimitError → 429. Anything else
 * is rethrown (the API answers 500).
 */
export function httpErrorOf(error: unknown, fallbackField: string): WcsHttpError {
  if (error instanceof WcsHttpError) return error;
  if (error instanceof ConfigError) {
    const name = /^(\w+):/.exec(error.message)?.[1];
    const field = name ?? fallbackField;
    return badField(field, error.message.replace(/^\w+:\s*/, ""));
  }
  if (error instanceof DuplicateCallError || error instanceof DuplicateOutputError) return new WcsHttpError(409, error.message);
  if (error instanceof InvalidStateError) return new WcsHttpError(409, error.message);
  // "Too Many Requests": the message names the limit and its value, e.g. "limit maxCalls (50) reached".
  if (error instanceof LimitError) return new WcsHttpError(429, error.message);
  throw error;
}
