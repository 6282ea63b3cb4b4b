import { STATUS_CODES } from "node:http";
import type { WcsRequestContext, WcsResponse } from "node-red-contrib-sipcast";
import { BodyTooLargeError, readBody } from "./body-reader";
import type { HttpRequest, HttpResponse, RequestHandler } from "./http-types";
import type { AuthVerdict } from "./request-auth";

/** What the handler needs of the REST API core: `WcsRestApi.handle`. */
export interface WcsHandler {
  handle(method: string, path: string, body: unknown, context?: WcsRequestContext): Promise<WcsResponse>;
}

/** What the handler is built with. */
export interface WcsHttpOptions {
  basePath: string;
  /** The CORS middleware of `httpNodeCors`; undefined when the setting is absent (no CORS headers). */
  cors?: RequestHandler;
  /** Checks the request's credentials (see request-auth.ts). */
  authorize(req: HttpRequest): AuthVerdict;
}

/**
 * The Express handler of every request below `basePath`, in this order: CORS (as http-in: headers,
 * and preflights answered by the `cors` package), `OPTIONS` (the allowed methods, no credentials
 * needed: browsers send none on a preflight), authentication (401/503), `Content-Type` of a POST
 * (only `application/json`, else 415, so that no cross-site form or `text/plain` "simple request"
 * is ever acted on), the body (413 above the limit), then the REST API core.
 */
export function wcsRequestHandler(api: WcsHandler, options: WcsHttpOptions): RequestHandler {
  return (req, res) => {
    const serve = (error?: unknown): void => {
      if (error) return write(res, failure(500, "CORS check failed"));
      handle(api, options, req, res);
    };
    if (options.cors) options.cors(req, res, serve);
    else serve();
  };
}

function handle(api: WcsHandler, options: WcsHttpOptions, req: HttpRequest, res: HttpResponse): void {
  const path = req.path ?? new URL(req.url ?? "/", "http://localhost").pathname;
  const methodPath = path.slice(options.basePath.length) || "/";
  const method = (req.method ?? "GET").toUpperCase();
  if (method === "OPTIONS") {
    res.setHeader("Allow", "POST, OPTIONS");
    res.statusCode = 204;
    res.end();
    return;
  }
  const verdict = options.authorize(req);
  if (!verdict.ok) {
    if (verdict.challenges.length > 0) res.setHeader("WWW-Authenticate", verdict.challenges);
    return write(res, failure(verdict.status, verdict.message));
  }
  if (method !== "POST") {
    // The core answers 404 for an unknown method path, else 405; no body is read.
    void api.handle(method, methodPath, undefined).then((answer) => write(res, answer));
    return;
  }
  const contentType = req.headers["content-type"];
  if (!isJsonContentType(contentType)) {
    return write(res, failure(415, "the body must be JSON sent as Content-Type: application/json"));
  }
  readBody(req)
    .then((body) => api.handle(method, methodPath, body, { client: req.ip ?? req.socket.remoteAddress }))
    .then(
      (answer) => write(res, answer),
      (error: unknown) => {
        if (error instanceof BodyTooLargeError) {
          // The rest of an oversized body is not read: close the connection after the answer.
          res.setHeader("Connection", "close");
          return write(res, failure(413, error.message));
        }
        write(res, failure(400, (error as Error).message));
      },
    );
}

/** `application/json`, optionally with a UTF-8 charset (the body is read as UTF-8); no other type, no other charset. */
export function isJsonContentType(header: string | undefined): boolean {
  if (header === undefined) return false;
  const [type, ...params] = header.split(";").map((part) => part.trim().toLowerCase());
  if (type !== "application/json") return false;
  return params.every((p) => !p.startsWith("charset=") || /^charset="?utf-?8"?$/.test(p));
}

function failure(status: number, message: string): WcsResponse {
  return { status, contentType: "application/json", body: { error: STATUS_CODES[status] ?? "Error", message } };
}

function write(res: HttpResponse, answer: WcsResponse): void {
  if (res.headersSent) return;
  const text = answer.contentType === "text/plain" ? String(answer.body) : JSON.stringify(answer.body);
  res.statusCode = answer.status;
  if (answer.status === 405) res.setHeader("Allow", "POST, OPTIONS");
  res.setHeader("Content-Type", `${answer.contentType}; charset=utf-8`);
  res.setHeader("Cache-Control", "no-store");
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.end(text);
}
