import type { Node, NodeAPI } from "../shared/node-red-types";
import type { AccountController } from "./account-controller";

/** sip-account node → its controller: how sip-call reaches the account it is configured with. */
const controllers = new WeakMap<Node, AccountController>();

export function attachAccount(node: Node, controller: AccountController): void {
  controllers.set(node, controller);
}

/** The controller of the sip-account node `id`, or undefined when there is none (not set, deleted, disabled). */
export function findAccount(RED: NodeAPI, id: string | undefined): AccountController | undefined {
  const node = id ? RED.nodes.getNode(id) : null;
  return node ? controllers.get(node) : undefined;
}
