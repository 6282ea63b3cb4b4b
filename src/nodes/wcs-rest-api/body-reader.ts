import { readCappedText } from "node-red-contrib-sipcast";
import type { HttpRequest } from "./http-types";

/** The largest request body read: WCS bodies are a few hundred bytes; larger ones get 413. */
export const MAX_BODY_BYTES = 64 * 1024;

/** The body was larger than {@link MAX_BODY_BYTES}. */
export class BodyTooLargeError extends Error {
  constructor() {
    super(`request body larger than ${MAX_BODY_BYTES} bytes`);
    this.name = "BodyTooLargeError";
  }
}

/**
 * The request body for the REST API: what a body parser already made of it (an httpNodeMiddleware may
 * parse JSON), else the raw text, which the API parses as JSON (the handler has checked that the
 * Content-Type is application/json). A Content-Length above the limit is refused before reading.
 *
 * @remarks Read by the engine's readCappedText rather than body-parser: that package is Node-RED's
 * dependency, not this package's, and is not resolvable from here in a normal install.
 */
export function readBody(req: HttpRequest): Promise<unknown> {
  if (req._body === true || (req.body !== undefined && req.readableEnded)) return Promise.resolve(req.body);
  return readCappedText(req, MAX_BODY_BYTES, () => new BodyTooLargeError());
}
