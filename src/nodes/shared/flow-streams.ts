import { StreamRegistry, type StreamRegistryOptions, type WhepNetworkOptions } from "node-red-contrib-sipcast";
import { corsHandler } from "../wcs-rest-api/cors-handler";
import type { HttpNodeAPI, RequestHandler } from "../wcs-rest-api/http-types";
import { authPlan, checkAuthorization, type AuthPlan } from "../wcs-rest-api/request-auth";
import type { NodeAPI } from "./node-red-types";
import { mountWhep } from "./whep-mount";

/**
 * The flows' WebRTC streams (sip-call's `toStream`): one registry per Node-RED runtime, shared by
 * every sip-account's engine so that a name is unique across accounts, served at
 * `{httpNodeRoot}sipcast/whep|play/{name}` while some sip-account uses it.
 *
 * @remarks Each stream carries the access rule of the sip-call node that placed its call (see
 * {@link viewerAccess}): nothing is watchable until that node is set up for it.
 */
export class FlowStreams {
  readonly registry: StreamRegistry;
  readonly #access = new Map<string, AuthPlan>();
  readonly #users = new Set<object>();
  #unmount: (() => void) | undefined;

  constructor(private readonly RED: HttpNodeAPI) {
    const logger = { log: (level: string, category: string, message: string): void => void (level === "error" || level === "warn" ? warn(RED, `[sipcast ${category}] ${message}`) : undefined) };
    const settings = (RED.settings as { sipcastWhep?: unknown }).sipcastWhep;
    try {
      this.registry = new StreamRegistry({ ...whepSettings(settings), logger });
    } catch (error) {
      warn(RED, `[sipcast] settings.sipcastWhep: ${(error as Error).message}; WebRTC viewers use the defaults`);
      this.registry = new StreamRegistry({ logger });
    }
  }

  /** A sip-account starts using the streams: the route is mounted with the first. */
  acquire(user: object): void {
    this.#users.add(user);
    if (this.#unmount || this.RED.settings.httpNodeRoot === false || !this.RED.httpNode) return;
    const middleware = this.RED.settings.httpNodeMiddleware;
    const before: Array<RequestHandler | RequestHandler[]> = typeof middleware === "function" || Array.isArray(middleware) ? [middleware] : [];
    this.#unmount = mountWhep(this.RED.httpNode, {
      registry: this.registry,
      root: typeof this.RED.settings.httpNodeRoot === "string" ? this.RED.settings.httpNodeRoot : "/",
      before,
      cors: corsHandler(this.RED.settings.httpNodeCors),
      authorize: (req, stream) => {
        const plan = this.#access.get(stream) ?? refused;
        const header = req.headers.authorization;
        return checkAuthorization(plan, typeof header === "string" ? header : undefined);
      },
      onError: (error) => warn(this.RED, `[sipcast whep] ${String(error)}`),
    });
  }

  /** A sip-account stops using them: the route goes with the last. */
  release(user: object): void {
    this.#users.delete(user);
    if (this.#users.size > 0) return;
    this.#unmount?.();
    this.#unmount = undefined;
  }

  /** Who may watch `stream` while its call lives; returns what forgets it. */
  allow(stream: string, plan: AuthPlan): () => void {
    this.#access.set(stream, plan);
    return () => {
      if (this.#access.get(stream) === plan) this.#access.delete(stream);
    };
  }
}

/**
 * `sipcastWhep` in Node-RED's settings.js: `{ bindAddress, publicAddress, portRange: {min, max},
 * iceTimeoutMs, maxViewers }` for the flows' viewers (see WhepNetworkOptions); absent: the defaults.
 */
function whepSettings(value: unknown): Omit<StreamRegistryOptions, "logger"> {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object") throw new Error("expected an object");
  const { maxViewers, ...network } = value as WhepNetworkOptions & { maxViewers?: number };
  return { network, ...(maxViewers !== undefined ? { maxViewers } : {}) };
}

/** Node-RED's runtime log (`RED.log.warn`), when there is one. */
function warn(RED: object, message: string): void {
  (RED as { log?: { warn?: (m: string) => void } }).log?.warn?.(message);
}

const refused: AuthPlan = { kind: "refuse", short: "no access rule", reason: "the stream has no access rule" };

/**
 * The access rule of a sip-call node's streams: its viewer token (bearer) when set, else Node-RED's
 * httpNodeAuth when set, else nobody (503, with the reason) — as the wcs-rest-api node serves nobody
 * until its authentication is set up.
 */
export function viewerAccess(token: string | undefined, httpNodeAuth: unknown): AuthPlan {
  if (token) return authPlan("credential", { token }, httpNodeAuth);
  if (httpNodeAuth) return authPlan("httpNodeAuth", {}, httpNodeAuth);
  return {
    kind: "refuse",
    short: "no viewer token",
    reason: "the sip-call node has no viewer token and Node-RED's httpNodeAuth is not set: nobody may watch its toStream",
  };
}

const byRuntime = new WeakMap<object, FlowStreams>();

/** The runtime's FlowStreams (one per `RED.httpNode` application). */
export function flowStreams(RED: NodeAPI): FlowStreams {
  const http = RED as HttpNodeAPI;
  const key = (http.httpNode as object | undefined) ?? RED;
  let streams = byRuntime.get(key);
  if (!streams) {
    streams = new FlowStreams(http);
    byRuntime.set(key, streams);
  }
  return streams;
}
