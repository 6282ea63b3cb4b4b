import { useRuntimeLanguage } from "./shared/i18n";
import { findAccount } from "./sip-account/account-registry";
import type { Node, NodeAPI } from "./shared/node-red-types";
import type { SipCallConfig } from "./sip-call/call-input";
import { SipCallController } from "./sip-call/call-controller";

/**
 * sip-call: an input message places a call (or ends one); every state change of the call is an output
 * message with `msg.callId`, `msg.topic` = status and `msg.payload` = the call state.
 */
export = function (RED: NodeAPI): void {
  useRuntimeLanguage(RED);
  function SipCallNode(this: Node, config: SipCallConfig): void {
    RED.nodes.createNode(this, config);
    const controller = new SipCallController(RED, this, config, findAccount(RED, config.account));
    this.on("close", (_removed, done) => {
      void controller.close().then(() => done());
    });
  }
  RED.nodes.registerType("sip-call", SipCallNode, { credentials: { rtmpStream: { type: "password" }, viewerToken: { type: "password" } } });
};
