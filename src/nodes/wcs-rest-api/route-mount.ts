import type { HttpApp, RequestHandler, RouterLayer } from "./http-types";

/**
 * Adds a route for every method on `app` and returns the function that removes it again.
 *
 * @remarks Express has no "remove route": like Node-RED's own http-in node (21-httpin.js), the layer
 * is spliced out of the router's stack on close. It is found by the identity of `handler` (the last
 * handler of the route), which also works when several nodes mount the same path. Express 4 keeps
 * the router in `app._router`, Express 5 (Node-RED 5) in `app.router`.
 */
export function mountRoute(app: HttpApp, pattern: RegExp, handlers: Array<RequestHandler | RequestHandler[]>, handler: RequestHandler): () => void {
  app.all(pattern, ...handlers, handler);
  return () => {
    const stack = (app._router ?? app.router)?.stack;
    if (!stack) return;
    const owns = (layer: RouterLayer): boolean => layer.route?.stack?.some((inner) => inner.handle === handler) ?? false;
    for (let i = stack.length - 1; i >= 0; i--) {
      if (owns(stack[i])) stack.splice(i, 1);
    }
  };
}
