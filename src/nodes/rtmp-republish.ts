import type { RtmpRepublishConfig } from "./rtmp-republish/republish-input";
import { RtmpRepublishController } from "./rtmp-republish/republish-controller";
import { useRuntimeLanguage } from "./shared/i18n";
import type { Node, NodeAPI } from "./shared/node-red-types";

/**
 * rtmp-republish: starts or stops publishing a call's audio and video to an RTMP/RTMPS URL + stream name
 * (the stream name is a credential). One output message per state change of the outputs it started.
 */
export = function (RED: NodeAPI): void {
  useRuntimeLanguage(RED);
  function RtmpRepublishNode(this: Node, config: RtmpRepublishConfig): void {
    RED.nodes.createNode(this, config);
    const controller = new RtmpRepublishController(RED, this, config);
    this.on("close", (_removed, done) => {
      controller.close();
      done();
    });
  }
  RED.nodes.registerType("rtmp-republish", RtmpRepublishNode, { credentials: { rtmpStream: { type: "password" } } });
};
