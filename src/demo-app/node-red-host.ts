import type * as http from "node:http";
import * as path from "node:path";

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

/** The part of bcryptjs used here (bcryptjs 3 ships its own types, but it is Node-RED's dependency, not ours). */
interface Bcrypt {
  hashSync(password: string, rounds: number): string;
}

/** bcrypt cost of the demo's hash: Node-RED's documented `node-red admin hash-pw` uses 8; 10 takes ~0.1 s here, once per start. */
const BCRYPT_ROUNDS = 10;

/**
 * A bcrypt hash of `password`, as Node-RED's `adminAuth` users and `httpNodeAuth` want it. Uses the
 * bcryptjs that Node-RED itself depends on (resolved from the node-red package), so the hash is one
 * that Node-RED's own check understands.
 */
export function bcryptHash(password: string): string {
  const nodeRedDir = path.dirname(require.resolve("node-red/package.json"));
  const bcrypt = require(require.resolve("bcryptjs", { paths: [nodeRedDir] })) as Bcrypt;
  return bcrypt.hashSync(password, BCRYPT_ROUNDS);
}
