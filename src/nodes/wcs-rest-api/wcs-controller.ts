import { Engine, StreamRegistry, WcsRestApi, type Call, type CallStateEvent, type EngineOptions } from "node-red-contrib-sipcast";
import { callDirectory } from "../shared/call-directory";
import { t } from "../shared/i18n";
import { nodeLogger } from "../shared/node-logger";
import type { Node } from "../shared/node-red-types";
import { corsHandler } from "./cors-handler";
import type { HttpNodeAPI, HttpRequest, RequestHandler } from "./http-types";
import { authPlan, checkAuthorization, type AuthPlan, type AuthVerdict, type WcsCredentials } from "./request-auth";
import { mountRoute } from "./route-mount";
import { wcsRequestHandler } from "./wcs-http-handler";
import { basePathPattern, type WcsNodeSettings } from "./wcs-node-settings";
import { mountWhep } from "../shared/whep-mount";

/**
 * The runtime side of a wcs-rest-api node: one {@link WcsRestApi} served on Node-RED's HTTP node
 * application, behind `httpNodeMiddleware` and `httpNodeCors` as http-in nodes are, and behind its
 * own authentication (see request-auth.ts), which refuses every request until it is set up.
 *
 * @remarks The node's calls are a call space of their own: they are announced to the call directory
 * only for its events (call-status reports them, marked with this node's id), never under their
 * callId, so dtmf-send, rtmp-republish and sip-call nodes of the flows cannot reach them, and a
 * REST client cannot reach a flow's call by choosing the same callId.
 */
export class WcsRestApiController {
  private readonly api: WcsRestApi;
  private readonly live = new Map<string, Call>();
  private readonly unmount: () => void;
  private readonly unmountWhep: () => void;
  /** The calls' `toStream` names, watchable over WebRTC at {httpNodeRoot}sipcast/whep|play/{name}. */
  private readonly streams: StreamRegistry;
  private readonly handler: RequestHandler;
  private readonly auth: AuthPlan;
  private misdeployWarned = false;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly node: Node,
    RED: HttpNodeAPI,
    private readonly settings: WcsNodeSettings,
    credentials: WcsCredentials,
  ) {
    const logger = nodeLogger(node);
    this.streams = new StreamRegistry({ ...settings.whep, logger });
    this.api = new WcsRestApi({
      ...settings.api,
      streams: this.streams,
      engineOptions: { ...settings.api.engineOptions, logger },
      engineFactory: (options) => this.newEngine(options),
      logger,
    });
    this.auth = authPlan(settings.auth, credentials, RED.settings.httpNodeAuth);
    if (this.auth.kind === "refuse") node.warn(`${settings.basePath}: ${this.auth.reason}`);
    if (this.auth.kind === "credential" && this.auth.advice) node.warn(`${settings.basePath}: ${this.auth.advice}`);
    if (this.auth.kind === "none") {
      node.warn(t("wcs.noAuthentication", { base: settings.basePath }));
    }
    this.handler = wcsRequestHandler(this.api, {
      basePath: settings.basePath,
      cors: corsHandler(RED.settings.httpNodeCors),
      authorize: (req) => this.authorize(req),
    });
    const middleware = RED.settings.httpNodeMiddleware;
    // As http-in does: the user's middleware (auth, logging) runs before the endpoint.
    const before: Array<RequestHandler | RequestHandler[]> = typeof middleware === "function" || Array.isArray(middleware) ? [middleware] : [];
    this.unmount = mountRoute(RED.httpNode, basePathPattern(settings.basePath), before, this.handler);
    // WHEP and the player page follow the same authentication as the REST API.
    this.unmountWhep = mountWhep(RED.httpNode, {
      registry: this.streams,
      root: typeof RED.settings.httpNodeRoot === "string" ? RED.settings.httpNodeRoot : "/",
      before,
      cors: corsHandler(RED.settings.httpNodeCors),
      authorize: (req) => this.authorize(req),
      onError: (error) => node.warn(`WHEP: ${String(error)}`),
    });
    this.showStatus();
  }

  private newEngine(options: EngineOptions): Engine {
    const engine = new Engine(options);
    engine.on("state", (event) => this.onState(engine, event));
    return engine;
  }

  private onState(engine: Engine, event: CallStateEvent): void {
    if (this.live.has(event.callId)) return;
    const call = engine.get(event.callId);
    if (!call || call.isClosed) return;
    this.live.set(call.id, call);
    call.once("close", () => {
      this.live.delete(call.id);
      if (!this.closing) this.showStatus();
    });
    // The engine tells of a call by its first state event, which the directory's listeners missed.
    callDirectory.observe(call, { type: "wcs-rest-api", nodeId: this.node.id }, event);
    this.showStatus();
  }

  private authorize(req: HttpRequest): AuthVerdict {
    const header = req.headers.authorization;
    const verdict = checkAuthorization(this.auth, typeof header === "string" ? header : undefined);
    if (!verdict.ok && verdict.misdeployed && !this.misdeployWarned) {
      this.misdeployWarned = true;
      this.node.warn(t("wcs.misdeployed", { base: this.settings.basePath, what: verdict.misdeployed }));
      this.showStatus();
    }
    return verdict;
  }

  private showStatus(): void {
    const base = this.settings.basePath;
    if (this.auth.kind === "refuse") return this.node.status({ fill: "red", shape: "ring", text: `${base}: ${this.auth.short}` });
    if (this.misdeployWarned) return this.node.status({ fill: "red", shape: "ring", text: t("wcs.misdeployedStatus", { base }) });
    const n = this.live.size;
    const calls = n === 0 ? t("status.noCalls") : n === 1 ? t("status.oneCall") : t("status.calls", { count: n });
    if (this.auth.kind === "none") return this.node.status({ fill: "yellow", shape: n > 0 ? "dot" : "ring", text: t("wcs.callsNoAuth", { base, calls }) });
    this.node.status(n > 0 ? { fill: "green", shape: "dot", text: t("wcs.calls", { base, calls }) } : { fill: "grey", shape: "ring", text: t("wcs.calls", { base, calls }) });
  }

  /** Removes the route at once, then hangs up every call and closes the engines. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.unmount();
      this.unmountWhep();
      await this.api.close();
      this.streams.close();
      this.node.status({});
    })();
    return this.closing;
  }
}
