import { Engine, WcsRestApi, type Call, type CallStateEvent, type DtmfType, type EngineOptions } from "node-red-contrib-sipcast";
import { callDirectory } from "../shared/call-directory";
import { nodeLogger } from "../shared/node-logger";
import type { Node } from "../shared/node-red-types";
import type { HttpNodeAPI, RequestHandler } from "./http-types";
import { mountRoute } from "./route-mount";
import { wcsRequestHandler } from "./wcs-http-handler";
import { basePathPattern, type WcsNodeSettings } from "./wcs-node-settings";

/**
 * The runtime side of a wcs-rest-api node: one {@link WcsRestApi} served on Node-RED's HTTP node
 * application (so `httpNodeAuth`, `httpNodeMiddleware` and `httpNodeCors` apply, as to http-in nodes).
 *
 * @remarks The calls it places are also put in the process-wide call directory under the node's id,
 * so call-status nodes report them and dtmf-send / rtmp-republish nodes can act on them by callId.
 */
export class WcsRestApiController {
  private readonly api: WcsRestApi;
  private readonly live = new Map<string, Call>();
  private readonly unmount: () => void;
  private readonly dtmfType: DtmfType;
  private readonly handler: RequestHandler;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly node: Node,
    RED: HttpNodeAPI,
    private readonly settings: WcsNodeSettings,
  ) {
    const logger = nodeLogger(node);
    this.dtmfType = settings.dtmfType;
    this.api = new WcsRestApi({
      ...settings.api,
      engineOptions: { ...settings.api.engineOptions, logger },
      engineFactory: (options) => this.newEngine(options),
      logger,
    });
    this.handler = wcsRequestHandler(this.api, settings.basePath, RED.settings.httpNodeCors);
    const middleware = RED.settings.httpNodeMiddleware;
    // As http-in does: the user's middleware (auth, logging) runs before the endpoint.
    const before: Array<RequestHandler | RequestHandler[]> = typeof middleware === "function" || Array.isArray(middleware) ? [middleware] : [];
    this.unmount = mountRoute(RED.httpNode, basePathPattern(settings.basePath), before, this.handler);
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
    if (callDirectory.has(call.id)) {
      this.node.warn(`call ${call.id}: another node has a live call with this callId; call-status nodes will not see this one`);
    } else {
      // The engine tells of a call by its first state event, which the directory's listeners missed.
      callDirectory.add({ call, accountId: this.node.id, dtmfType: this.dtmfType }, event);
    }
    this.showStatus();
  }

  private showStatus(): void {
    const n = this.live.size;
    const base = this.settings.basePath;
    this.node.status(n > 0 ? { fill: "green", shape: "dot", text: `${base}: ${n} call${n === 1 ? "" : "s"}` } : { fill: "grey", shape: "ring", text: `${base}: no calls` });
  }

  /** Removes the route at once, then hangs up every call and closes the engines. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.unmount();
      await this.api.close();
      this.node.status({});
    })();
    return this.closing;
  }
}
