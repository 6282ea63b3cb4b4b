import type { IncomingMessage, ServerResponse } from "node:http";
import type { NodeAPI } from "../shared/node-red-types";

/**
 * The small part of Node-RED's HTTP side the wcs-rest-api node uses: `RED.httpNode` (an Express
 * application, version 4 in Node-RED 4, 5 in Node-RED 5) and the HTTP settings.
 *
 * @remarks Typed here rather than in shared/node-red-types.ts, which the other nodes own; only the
 * members this node touches, as Express 4.22 and 5 define them.
 */

/** A request as Express hands it on: Node's request plus what Express and body parsers add. */
export interface HttpRequest extends IncomingMessage {
  /** The path below the application's mount point (Express), without the query. */
  path?: string;
  /** Set by a body parser that already read the body (e.g. one in httpNodeMiddleware). */
  body?: unknown;
  /** body-parser's "the body was read" flag. */
  _body?: boolean;
  /** The client address as Express computes it (honours `trust proxy`). */
  ip?: string;
}

export type HttpResponse = ServerResponse;
export type NextFunction = (error?: unknown) => void;
export type RequestHandler = (req: HttpRequest, res: HttpResponse, next: NextFunction) => void;

/** One entry of an Express router's stack; a route's own stack holds its handlers. */
export interface RouterLayer {
  handle?: unknown;
  route?: { path?: unknown; stack?: RouterLayer[] };
}

/** The Express application mounted at `httpNodeRoot`. */
export interface HttpApp {
  all(path: RegExp, ...handlers: Array<RequestHandler | RequestHandler[]>): unknown;
  /** Express 4's router. */
  _router?: { stack: RouterLayer[] };
  /** Express 5's router. */
  router?: { stack: RouterLayer[] };
}

/** `httpNodeCors`: the options object Node-RED hands to the `cors` package as it is (origin, methods, credentials, …). */
export type HttpNodeCors = Readonly<Record<string, unknown>>;

/** The runtime settings the node reads. */
export interface HttpSettings {
  /** `false` turns off every HTTP node endpoint. */
  httpNodeRoot?: string | false;
  httpNodeMiddleware?: RequestHandler | RequestHandler[];
  httpNodeCors?: HttpNodeCors;
  /** `{user, pass}` or a middleware: what the `node-red` command puts in front of httpNode (RED.init does not). */
  httpNodeAuth?: unknown;
}

/** `RED` as the wcs-rest-api node sees it. */
export interface HttpNodeAPI extends NodeAPI {
  httpNode: HttpApp;
  settings: HttpSettings;
}
