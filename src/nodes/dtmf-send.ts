import type { DtmfSendConfig } from "./dtmf-send/dtmf-input";
import { DtmfSendController } from "./dtmf-send/dtmf-controller";
import type { Node, NodeAPI } from "./shared/node-red-types";

/**
 * dtmf-send: sends DTMF digits (RFC 2833/4733 events or SIP INFO) into an established call, e.g. a
 * conference PIN; passes the message on when the last digit has been sent.
 */
export = function (RED: NodeAPI): void {
  function DtmfSendNode(this: Node, config: DtmfSendConfig): void {
    RED.nodes.createNode(this, config);
    const controller = new DtmfSendController(this, config);
    this.on("close", (_removed, done) => {
      controller.close();
      done();
    });
  }
  RED.nodes.registerType("dtmf-send", DtmfSendNode);
};
