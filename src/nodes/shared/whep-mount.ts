import { handleWhepRequest, whepRoute, type StreamRegistry, type WhepAccess } from "node-red-contrib-sipcast";
import type { HttpApp, HttpRequest, RequestHandler } from "../wcs-rest-api/http-types";
import { mountRoute } from "../wcs-rest-api/route-mount";

/** Options of {@link mountWhep}. */
export interface WhepMountOptions {
  registry: StreamRegistry;
  /** httpNodeRoot: where browsers find Node-RED's HTTP nodes (the start of every Location). */
  root: string;
  /** The user's httpNodeMiddleware, run first as for http-in nodes. */
  before: Array<RequestHandler | RequestHandler[]>;
  /** The httpNodeCors middleware, or undefined (no CORS headers). */
  cors?: RequestHandler;
  /** Checks a WHEP request for `stream` (a stream of this registry). */
  authorize(req: HttpRequest, stream: string): WhepAccess;
  onError(error: unknown): void;
}

/** Requests for `{httpNodeRoot}sipcast/whep/…` and `…/sipcast/play/…`. */
const PATTERN = /^\/sipcast\/(?:whep|play)\/[^/]+(?:\/[^/]+)?\/?$/i;

/**
 * Serves WHEP and the player page of a registry's streams on Node-RED's HTTP node server; returns
 * what removes the route. A WHEP request for a stream of another registry is passed on (`next()`),
 * so the flows' calls and each wcs-rest-api node serve their own streams side by side.
 */
export function mountWhep(app: HttpApp, o: WhepMountOptions): () => void {
  const handler: RequestHandler = (req, res, next) => {
    const path = req.path ?? new URL(req.url ?? "/", "http://localhost").pathname;
    const route = whepRoute(path);
    if (route && route.kind !== "player" && !o.registry.has(route.stream)) return next();
    const serve = (error?: unknown): void => {
      if (error) return next(error);
      const stream = route?.stream ?? "";
      handleWhepRequest(req, res, path, { registry: o.registry, root: o.root, authorize: (r) => o.authorize(r as HttpRequest, stream) }).then(
        (served) => {
          if (!served) next();
        },
        (failure: unknown) => {
          o.onError(failure);
          if (!res.headersSent) res.writeHead(500).end();
        },
      );
    };
    if (o.cors) o.cors(req, res, serve);
    else serve();
  };
  return mountRoute(app, PATTERN, o.before, handler);
}
