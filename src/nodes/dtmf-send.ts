import type { DtmfSendConfig } from "./dtmf-send/dtmf-input";
import { DtmfSendController } from "./dtmf-send/dtmf-controller";
import { useRuntimeLanguage } from "./shared/i18n";
import type { Node, NodeAPI } from "./shared/node-red-types";

/**
 * dtmf-send: sends DTMF digits (RFC 2833/4733 events or SIP INFO) into an established call, e.g. a
 * conference PIN; passes the message on when the last digit has been sent.
 */
export = function (RED: NodeAPI): void {
  useRuntimeLanguage(RED);
  function DtmfSendNode(this: Node, config: DtmfSendConfig): void {
    RED.nodes.createNode(this, config);
    const controller = new DtmfSendController(RED, this, config);
    this.on("close", (_removed, done) => {
      controller.close();
      done();
    });
  }
  // The PIN (a conference code) is kept in the credentials file, never in the flow.
  RED.nodes.registerType("dtmf-send", DtmfSendNode, { credentials: { pin: { type: "password" } } });
};
