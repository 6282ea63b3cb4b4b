/**
 * A REST call that fails with an HTTP status: 400 (bad body, `field` names the culprit), 403 (a host
 * not in an allowlist, `field` names the field), 404 (unknown callId, stream or transponder), 409
 * (duplicate, or the call is in the wrong state), 429 (an engine limit: calls, outputs per call or
 * call starts per second).
 */
export class WcsHttpError extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 405 | 409 | 429 | 500,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = "WcsHttpError";
  }
}

/** 400 naming the field. */
export function badField(field: string, problem: string): WcsHttpError {
  return new WcsHttpError(400, `${field}: ${problem}`, field);
}
