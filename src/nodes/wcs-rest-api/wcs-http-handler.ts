import type { WcsRequestContext, WcsResponse } from "node-red-contrib-sipcast";
import { BodyTooLargeError, readBody } from "./body-reader";
import type { HttpNodeCors, HttpRequest, HttpResponse, RequestHandler } from "./http-types";

/** What the handler needs of the REST API core: `WcsRestApi.handle`. */
export interface WcsHandler {
  handle(method: string, path: string, body: unknown, context?: WcsRequestContext): Promise<WcsResponse>;
}

/**
 * The Express handler of every request below `basePath`: reads the body, hands the method path (the
 * part after `basePath`, e.g. `/call/startup`) to the REST API core and writes its answer.
 * `OPTIONS` is answered with the allowed methods (CORS preflights included).
 */
export function wcsRequestHandler(api: WcsHandler, basePath: string, cors: HttpNodeCors | undefined): RequestHandler {
  return (req, res) => {
    const path = req.path ?? new URL(req.url ?? "/", "http://localhost").pathname;
    const methodPath = path.slice(basePath.length) || "/";
    if (cors) applyCors(req, res, cors);
    if (req.method === "OPTIONS") {
      res.setHeader("Allow", "POST, OPTIONS");
      if (cors) {
        res.setHeader("Access-Control-Allow-Methods", "POST, OPTIONS");
        res.setHeader("Access-Control-Allow-Headers", req.headers["access-control-request-headers"] ?? "Content-Type, Authorization");
      }
      res.statusCode = 204;
      res.end();
      return;
    }
    readBody(req)
      .then((body) => api.handle(req.method ?? "GET", methodPath, body, { client: req.ip ?? req.socket.remoteAddress }))
      .then(
        (answer) => write(res, answer),
        (error: unknown) => {
          const tooLarge = error instanceof BodyTooLargeError;
          const status = tooLarge ? 413 : 400;
          write(res, { status, contentType: "application/json", body: { error: tooLarge ? "Payload Too Large" : "Bad Request", message: (error as Error).message } });
        },
      );
  };
}

function write(res: HttpResponse, answer: WcsResponse): void {
  if (res.headersSent) return;
  const text = answer.contentType === "text/plain" ? String(answer.body) : JSON.stringify(answer.body);
  res.statusCode = answer.status;
  if (answer.status === 405) res.setHeader("Allow", "POST, OPTIONS");
  res.setHeader("Content-Type", `${answer.contentType}; charset=utf-8`);
  res.setHeader("Cache-Control", "no-store");
  res.end(text);
}

/**
 * Sets `Access-Control-Allow-Origin` as Node-RED's `httpNodeCors` asks (the `origin` option of the
 * `cors` package: "*", true for the request's origin, a string, a RegExp or a list of them).
 *
 * @remarks Hand-written: the `cors` package is Node-RED's dependency, not resolvable from this package.
 * Preflights of other paths are answered by Node-RED's own http-in module.
 */
export function applyCors(req: HttpRequest, res: HttpResponse, cors: HttpNodeCors): void {
  const origin = typeof req.headers.origin === "string" ? req.headers.origin : undefined;
  const allowed = allowedOrigin(cors.origin ?? "*", origin);
  if (allowed === undefined) return;
  res.setHeader("Access-Control-Allow-Origin", allowed);
  if (allowed !== "*") res.setHeader("Vary", "Origin");
}

function allowedOrigin(rule: NonNullable<HttpNodeCors["origin"]>, origin: string | undefined): string | undefined {
  if (rule === "*") return "*";
  if (rule === false) return undefined;
  if (rule === true) return origin;
  if (typeof rule === "string") return rule;
  const rules = Array.isArray(rule) ? rule : [rule];
  if (origin === undefined) return undefined;
  return rules.some((r) => (typeof r === "string" ? r === origin : r.test(origin))) ? origin : undefined;
}
