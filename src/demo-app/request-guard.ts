import type * as http from "node:http";
import { basicAuthMatches, type DemoLogin } from "./demo-login";

/**
 * The checks the demo's HTTP server makes before Node-RED or the page sees a request. Each returns
 * the refusal to send, or undefined to let the request through.
 *
 * @remarks Why these: a browser that has logged in to the page keeps its Basic credentials for the
 * origin and attaches them to requests that other web pages make to it (a form post, a `no-cors`
 * fetch). Such requests carry the other page's `Origin`, or `Sec-Fetch-Site: cross-site`/`same-site`,
 * and a form or a `no-cors` fetch cannot send `Content-Type: application/json` (that needs a CORS
 * preflight, and the demo answers none). Clients outside a browser (curl, a WCS client) send neither
 * header and are let through to the login check.
 */
export interface Refusal {
  status: 401 | 403 | 411 | 413 | 415;
  message: string;
  headers?: Record<string, string>;
}

/** Largest body the page's endpoints take: the page sends `{}` or `{"digits": "…"}`. */
export const MAX_PAGE_BODY_BYTES = 4096;

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** The realm the browser shows in its login prompt. */
const REALM = "sipcast demo";

/**
 * Refuses a request sent by a page of another origin: an `Origin` header that is not one of
 * `ownOrigins`, or a `Sec-Fetch-Site` other than same-origin/none, except when the browser is merely
 * following a link to a page (a GET navigation, which changes nothing and whose answer the other
 * page cannot read).
 */
export function foreignOriginRefusal(req: http.IncomingMessage, ownOrigins: readonly string[]): Refusal | undefined {
  const origin = header(req, "origin");
  if (origin !== undefined && !ownOrigins.includes(origin.toLowerCase())) return { status: 403, message: "requests from other web pages are refused" };
  const site = header(req, "sec-fetch-site")?.toLowerCase();
  if (site === undefined || site === "same-origin" || site === "none") return undefined;
  const isNavigation = (req.method === "GET" || req.method === "HEAD") && header(req, "sec-fetch-mode")?.toLowerCase() === "navigate";
  return isNavigation ? undefined : { status: 403, message: "requests from other web pages are refused" };
}

/** Refuses a request without the demo's user and password (HTTP Basic authentication). */
export function loginRefusal(req: http.IncomingMessage, login: DemoLogin): Refusal | undefined {
  if (basicAuthMatches(header(req, "authorization"), login)) return undefined;
  return {
    status: 401,
    message: "log in as the user and password that `npm start` printed",
    headers: { "WWW-Authenticate": `Basic realm="${REALM}", charset="UTF-8"` },
  };
}

/**
 * Refuses a state-changing request to the page's endpoints unless its body is JSON and at most
 * {@link MAX_PAGE_BODY_BYTES} long, with its length declared up front (so the limit holds before a
 * byte is read).
 */
export function pageBodyRefusal(req: http.IncomingMessage): Refusal | undefined {
  if (SAFE_METHODS.has(req.method ?? "GET")) return undefined;
  const type = (header(req, "content-type") ?? "").split(";")[0].trim().toLowerCase();
  if (type !== "application/json") return { status: 415, message: "send the body as application/json" };
  const length = header(req, "content-length");
  if (length === undefined || !/^\d+$/.test(length)) return { status: 411, message: "a Content-Length is required" };
  if (Number(length) > MAX_PAGE_BODY_BYTES) return { status: 413, message: `the body may hold at most ${MAX_PAGE_BODY_BYTES} bytes` };
  return undefined;
}

/** Answers `refusal` (a JSON `{error}`, as the page's endpoints answer errors). Returns true when it did. */
export function refuse(res: http.ServerResponse, refusal: Refusal | undefined): boolean {
  if (refusal === undefined) return false;
  res.statusCode = refusal.status;
  for (const [name, value] of Object.entries(refusal.headers ?? {})) res.setHeader(name, value);
  res.setHeader("Content-Type", "application/json; charset=utf-8");
  res.setHeader("Cache-Control", "no-store");
  // The request's body is not read: close the connection rather than parse what follows it.
  res.setHeader("Connection", "close");
  res.end(JSON.stringify({ error: refusal.message }));
  return true;
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(", ") : value;
}
