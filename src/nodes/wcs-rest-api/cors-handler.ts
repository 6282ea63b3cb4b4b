import type { HttpNodeCors, RequestHandler } from "./http-types";

/** The `cors` package's factory, as far as it is used here (the package ships no types). */
type CorsFactory = (options: HttpNodeCors) => RequestHandler;

/**
 * The CORS middleware for `httpNodeCors`, or undefined when the setting is absent (then no CORS
 * header is ever sent, and no other site's page may read an answer or send a non-simple request).
 *
 * @remarks Exactly what Node-RED's http-in node (21-httpin.js) does: `cors(RED.settings.httpNodeCors)`
 * of the `cors` package (expressjs/cors), in front of every route and for `OPTIONS` preflights, which
 * it answers itself (204 with the allowed methods and headers).
 */
export function corsHandler(options: HttpNodeCors | undefined): RequestHandler | undefined {
  if (!options) return undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- untyped CommonJS package
  const cors = require("cors") as CorsFactory;
  return cors(options);
}
