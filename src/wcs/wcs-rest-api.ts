import { STATUS_CODES } from "node:http";
import { silentLogger } from "../util/logger";
import { CallAdmission, resolveEngineLimits } from "../call/engine-limits";
import { CallBook } from "./call-book";
import { find, findAll, newEngine, sendDtmf, startup, status, terminate } from "./call-routes";
import { EnginePool } from "./engine-pool";
import { HostAllowlist } from "./host-allowlist";
import { asBody, type WcsBody } from "./wcs-fields";
import { WcsHttpError } from "./wcs-http-error";
import type { WcsRequestContext, WcsResponse, WcsRestApiOptions, WcsState } from "./wcs-options";
import { pushFind, pushFindAll, pushStartup, pushTerminate } from "./push-routes";

type Route = (state: WcsState, body: WcsBody) => unknown;

/** Every method, by its lower-cased path; the legacy ones come from WCS's older `/RESTCall` API. */
const ROUTES: ReadonlyMap<string, Route> = new Map<string, Route>([
  ["/call/startup", (s, b) => startup(s, b, false)],
  ["/call/terminate", terminate],
  ["/call/find", find],
  ["/call/find_all", (s) => findAll(s)],
  ["/call/send_dtmf", sendDtmf],
  ["/push/startup", pushStartup],
  ["/push/terminate", pushTerminate],
  ["/push/find", pushFind],
  ["/push/find_all", (s) => pushFindAll(s)],
  ["/call", (s, b) => startup(s, b, true)],
  ["/getstatus", status],
  ["/senddtmf", sendDtmf],
  ["/hangup", terminate],
]);

/** The methods this API answers, as WCS spells them. */
export const WCS_METHODS = [
  "/call/startup",
  "/call/terminate",
  "/call/find",
  "/call/find_all",
  "/call/send_dtmf",
  "/push/startup",
  "/push/terminate",
  "/push/find",
  "/push/find_all",
  "/call",
  "/getStatus",
  "/sendDTMF",
  "/hangup",
] as const;

/** The part of a URL path after an optional `/rest-api` or `/RESTCall` base, without query or trailing slash. */
export function wcsMethodPath(path: string): string {
  const bare = path.split("?")[0].replace(/\/+$/, "");
  return bare.replace(/^\/(rest-api|restcall)(?=\/|$)/i, "").toLowerCase() || "/";
}

/**
 * Flashphoner WCS's REST API for SIP calls republished to RTMP, without a web framework:
 * `handle(method, path, body)` → `{ status, body }`, for the Node-RED node (under `/rest-api`) or
 * any HTTP server to serve.
 *
 * @remarks
 * Every request names its SIP account in the body, as WCS clients do; the engines are cached per
 * account (see {@link EnginePool}) and the calls kept by callId across accounts (see
 * {@link CallBook}). Bodies may carry WCS's string booleans and numbers ("true", "5060").
 * Status codes as WCS: 200; 400 for a bad body (the answer names the field); 403 for a SIP or RTMP
 * host outside `allowedSipHosts` / `allowedRtmpHosts` (naming the field); 404 for an unknown
 * callId, stream or transponder, and for an empty `find_all`; 409 for a duplicate callId, RTMP
 * target, stream name or transponder, or a call in the wrong state; 429 when a limit of
 * `engineOptions.limits` is reached (the message names it); 405 for anything but POST.
 * Error bodies are `{ error, message, field? }`. Nothing secret is logged or echoed.
 * Authentication, CORS and the body's media type belong to whatever serves it over HTTP (the
 * Node-RED node does all three).
 */
export class WcsRestApi {
  readonly #state: WcsState;
  #closed = false;

  /** @throws ConfigError naming `allowedSipHosts` or `allowedRtmpHosts` for a malformed entry. */
  constructor(options: WcsRestApiOptions = {}) {
    const logger = options.logger ?? silentLogger;
    this.#state = {
      options,
      logger,
      allow: {
        sip: HostAllowlist.parse("allowedSipHosts", options.allowedSipHosts),
        rtmp: HostAllowlist.parse("allowedRtmpHosts", options.allowedRtmpHosts),
      },
      book: new CallBook(options.endedCallLingerMs ?? 30_000, options.now ?? Date.now),
      admission: new CallAdmission(resolveEngineLimits(options.engineOptions?.limits)),
      pool: new EnginePool(options.engineFactory ?? newEngine, { ...options.engineOptions, ...(options.streams ? { streams: options.streams } : {}) }, logger),
    };
  }

  /** Answers one request. Never rejects: failures become 4xx/5xx responses. */
  async handle(method: string, path: string, body: unknown, context: WcsRequestContext = {}): Promise<WcsResponse> {
    const name = wcsMethodPath(path);
    const route = ROUTES.get(name);
    try {
      if (!route) throw new WcsHttpError(404, `unknown REST method ${name}`);
      if (method.toUpperCase() !== "POST") throw new WcsHttpError(405, `${name} takes POST`);
      if (this.#closed) throw new WcsHttpError(500, "the REST API is closed");
      const result = await route(this.#state, asBody(body));
      return typeof result === "string"
        ? { status: 200, body: result, contentType: "text/plain" }
        : { status: 200, body: result, contentType: "application/json" };
    } catch (error) {
      return this.#failure(error, name, context);
    }
  }

  #failure(error: unknown, name: string, context: WcsRequestContext): WcsResponse {
    const http = error instanceof WcsHttpError ? error : undefined;
    const status = http?.status ?? 500;
    const message = error instanceof Error ? error.message : String(error);
    this.#state.logger.log(status >= 500 ? "error" : "info", "wcs", `${name}${context.client ? ` from ${context.client}` : ""}: ${status} ${message}`);
    const body = { error: STATUS_CODES[status] ?? "Error", message, ...(http?.field ? { field: http.field } : {}) };
    return { status, body, contentType: "application/json" };
  }

  /** Hangs up every call and closes every engine. Later requests get 500. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#state.pool.close();
  }
}
