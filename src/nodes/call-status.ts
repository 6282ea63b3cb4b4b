import { CallStatusController, type CallStatusConfig } from "./call-status/status-controller";
import { useRuntimeLanguage } from "./shared/i18n";
import type { Node, NodeAPI } from "./shared/node-red-types";

/**
 * call-status: emits every state change of every call (or of one account's calls) on output 1 and
 * answers queries on output 2: a message with `msg.callId` gets that call's state, one without gets
 * the list of live calls.
 */
export = function (RED: NodeAPI): void {
  useRuntimeLanguage(RED);
  function CallStatusNode(this: Node, config: CallStatusConfig): void {
    RED.nodes.createNode(this, config);
    const controller = new CallStatusController(this, config);
    this.on("close", (_removed, done) => {
      controller.close();
      done();
    });
  }
  RED.nodes.registerType("call-status", CallStatusNode);
};
