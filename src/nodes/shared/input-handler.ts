import { localizedError } from "./i18n";
import type { Node, NodeMessage, NodeSend } from "./node-red-types";

/** What a node does with one message; may be async. Throwing (or rejecting) reports the error. */
export type MessageHandler = (msg: NodeMessage, send: NodeSend) => void | Promise<void>;

/** Longest error text shown under a node in the editor. */
const STATUS_TEXT_MAX = 60;

/** Cuts a status text to what fits under a node. */
export function statusText(text: string): string {
  return text.length > STATUS_TEXT_MAX ? `${text.slice(0, STATUS_TEXT_MAX - 1)}…` : text;
}

/** The Error to hand to `done(err)`: engine errors are Errors already; anything else is wrapped. */
export function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * Registers `handler` as the node's input handler (`send`/`done` style): `done()` when it returns or
 * resolves; when it throws or rejects, a red status and `done(err)`, which reaches Catch nodes with the
 * message. Nothing escapes to Node-RED's own error path, so a bad `msg` never takes the runtime down.
 *
 * @remarks After home-assistant-websocket's InputOutputController + inputErrorHandler.
 */
export function handleInput(node: Node, handler: MessageHandler): void {
  node.on("input", (msg, send, done) => {
    const fail = (error: unknown): void => {
      const err = localizedError(asError(error));
      node.status({ fill: "red", shape: "ring", text: statusText(err.message) });
      done(err);
    };
    try {
      const result = handler(msg, send);
      if (result instanceof Promise) result.then(() => done(), fail);
      else done();
    } catch (error) {
      fail(error);
    }
  });
}
