import type * as http from "node:http";

/** An Express application as a plain request handler. */
export type ExpressApp = (req: http.IncomingMessage, res: http.ServerResponse, next: (error?: unknown) => void) => void;

/**
 * The part of the `node-red` module an embedding application uses (Node-RED's "embedding into an
 * existing app" API): `init(server, settings)`, `start()`, `stop()` and the two Express applications.
 *
 * @remarks node-red ships no type declarations; this follows node-red 4.1's lib/red.js.
 */
export interface NodeRedModule {
  init(server: http.Server, settings: Record<string, unknown>): void;
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly httpAdmin: ExpressApp;
  readonly httpNode: ExpressApp;
  version(): string;
}

/** Loads Node-RED (a devDependency: the demo runs from a clone of this repository). */
export function loadNodeRed(): NodeRedModule {
  return require("node-red") as NodeRedModule;
}
