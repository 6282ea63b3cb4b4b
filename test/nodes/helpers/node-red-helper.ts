import * as path from "node:path";
import { repoRoot } from "../../harness/paths";

/**
 * Typed access to node-red-node-test-helper 0.3.6 (it ships no types) and the built node modules.
 * Only what the node tests use is declared.
 */

/** One node of a flow definition as the editor exports it. */
export interface FlowNode {
  id: string;
  type: string;
  z?: string;
  wires?: string[][];
  [key: string]: unknown;
}

/** Credentials per node id, as helper.load/setFlows take them. */
export type FlowCredentials = Record<string, Record<string, string>>;

/** A message as the tests see it. */
export interface Msg {
  _msgid?: string;
  topic?: string;
  payload?: unknown;
  [key: string]: unknown;
}

/** The status argument as recorded by the helper's `call:status` event. */
export interface StatusArg {
  fill?: string;
  shape?: string;
  text?: string;
}

/** A running node as the helper hands it out. */
export interface TestNode {
  id: string;
  type: string;
  credentials?: Record<string, string>;
  receive(msg: Msg): void;
  on(event: "input", listener: (msg: Msg) => void): void;
  on(event: "call:status" | "call:error" | "call:warn" | "call:log", listener: (call: { args: unknown[] }) => void): void;
  [key: string]: unknown;
}

/** A Node-RED node module: `export = function (RED) {…}`. */
export type NodeModule = (RED: unknown) => void;

interface LogSpy {
  args: unknown[][];
}

/** The test-helper API the node tests use. */
export interface NodeTestHelper {
  init(runtimePath: string, userSettings?: Record<string, unknown>): void;
  load(modules: NodeModule | NodeModule[], flow: FlowNode[], credentials?: FlowCredentials): Promise<void>;
  unload(): Promise<void>;
  setFlows(flow: FlowNode[], type: "full" | "flows" | "nodes", credentials?: FlowCredentials): Promise<void>;
  getNode(id: string): TestNode | null;
  startServer(): Promise<void>;
  stopServer(): Promise<void>;
  log(): LogSpy;
  /** Internal: the runtime's flows module (what the Admin API's GET /flows returns). */
  _redNodes: { getFlows(): { flows: FlowNode[]; rev?: string } | null };
}

// NODE_RED_PATH / NODE_RED_TEST_HELPER_PATH let scripts/test-node-red-5.sh run the same tests on another Node-RED.
export const helper = require(process.env.NODE_RED_TEST_HELPER_PATH || "node-red-node-test-helper") as NodeTestHelper;
helper.init(require.resolve(process.env.NODE_RED_PATH || "node-red"));

/** The built module of one of our nodes, `<repo>/nodes/<type>.js`. */
export function ourNode(type: "sip-account" | "sip-call" | "dtmf-send" | "rtmp-republish" | "call-status" | "wcs-rest-api"): NodeModule {
  return require(path.join(repoRoot(), "nodes", `${type}.js`)) as NodeModule;
}

/** Every node module of the package. */
export function allOurNodes(): NodeModule[] {
  return (["sip-account", "sip-call", "dtmf-send", "rtmp-republish", "call-status", "wcs-rest-api"] as const).map(ourNode);
}

/** A Node-RED core node module (inject, switch, change, delay, debug, …) from the installed runtime. */
export function coreNode(
  file:
    | "common/20-inject"
    | "common/21-debug"
    | "common/60-link"
    | "common/90-comment"
    | "function/10-switch"
    | "function/15-change"
    | "function/89-delay"
    | "network/21-httpin",
): NodeModule {
  const runtime = path.dirname(require.resolve("@node-red/nodes/package.json", { paths: [process.env.NODE_RED_PATH || __dirname] }));
  return require(path.join(runtime, "core", `${file}.js`)) as NodeModule;
}

/** The node `id`, which the test expects to exist. */
export function nodeOf(id: string): TestNode {
  const node = helper.getNode(id);
  if (!node) throw new Error(`no node ${id} in the running flow`);
  return node;
}
