/**
 * The small part of Node-RED's runtime API the adapters use.
 *
 * @remarks `@types/node-red` is not installed, so these are declared here, narrowly: only what the
 * five nodes call, typed from Node-RED 4.1's `@node-red/runtime/lib/nodes/Node.js` and
 * `@node-red/registry/lib/util.js` (createNodeApi).
 */

/** A message flowing through a flow: any properties, of which these few are conventional. */
export interface NodeMessage {
  _msgid?: string;
  topic?: string;
  payload?: unknown;
  [key: string]: unknown;
}

/** What `node.status()` takes: a coloured dot or ring with a short text, or `{}` to clear it. */
export interface NodeStatus {
  fill?: "red" | "green" | "yellow" | "blue" | "grey";
  shape?: "ring" | "dot";
  text?: string;
}

/** `send` as handed to an input handler (one message, or one per output). */
export type NodeSend = (msg: NodeMessage | Array<NodeMessage | null>) => void;
/** `done` as handed to an input handler: call once, with an error to hand it to Catch nodes. */
export type NodeDone = (err?: Error) => void;

export type InputHandler = (msg: NodeMessage, send: NodeSend, done: NodeDone) => void;
/** The two-argument close handler: `removed` is true when the node was deleted rather than redeployed. */
export type CloseHandler = (removed: boolean, done: () => void) => void;

/** A node instance after `RED.nodes.createNode(this, config)`. */
export interface Node {
  readonly id: string;
  readonly type: string;
  name?: string;
  credentials?: Record<string, string | undefined>;
  on(event: "input", handler: InputHandler): void;
  on(event: "close", handler: CloseHandler): void;
  status(status: NodeStatus): void;
  send(msg: NodeMessage | Array<NodeMessage | null>): void;
  log(message: string): void;
  warn(message: string): void;
  debug(message: string): void;
  /** With `msg` the error reaches Catch nodes; without, it is only logged. */
  error(error: Error | string, msg?: NodeMessage): void;
}

/** The properties every node's config object has (the editor's `defaults` are added per node). */
export interface NodeDef {
  id: string;
  type: string;
  name?: string;
  z?: string;
}

/** A credentials declaration for `registerType`. */
export interface CredentialsDef {
  [name: string]: { type: "text" | "password" };
}

/** The constructor function Node-RED calls with `this` set to a fresh node object. */
export type NodeConstructor<C extends NodeDef> = (this: Node, config: C) => void;

/** The `RED` object handed to a node module. */
export interface NodeAPI {
  nodes: {
    createNode(node: Node, config: NodeDef): void;
    registerType<C extends NodeDef>(type: string, constructor: NodeConstructor<C>, options?: { credentials?: CredentialsDef }): void;
    getNode(id: string): Node | null;
  };
  util: {
    /** Deep-copies a message, keeping `req`/`res` (the HTTP handles) by reference. */
    cloneMessage<T extends NodeMessage>(msg: T): T;
    /**
     * The value of a TypedInput property (`str`, `msg`, `flow`, `global`, `env`, `jsonata`, …) for
     * `msg`; with a callback, context stores and JSONata are read asynchronously.
     */
    evaluateNodeProperty(value: unknown, type: string, node: Node, msg: NodeMessage, callback: (err: Error | null, result: unknown) => void): void;
  };
  /**
   * Node-RED's runtime translation: a key of this node set's catalog (`nodes/locales/<lang>/<set>.json`),
   * or `"<module>/<set>:<key>"` for another set's. Returns the key when no catalog has it.
   */
  _?: (key: string, vars?: Record<string, string | number>) => string;
}
