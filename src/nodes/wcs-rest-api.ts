import { localizedError, t, useRuntimeLanguage } from "./shared/i18n";
import { statusText } from "./shared/input-handler";
import type { Node } from "./shared/node-red-types";
import type { HttpNodeAPI } from "./wcs-rest-api/http-types";
import { WcsRestApiController } from "./wcs-rest-api/wcs-controller";
import { wcsNodeSettings, type WcsRestApiConfig } from "./wcs-rest-api/wcs-node-settings";

/**
 * wcs-rest-api: serves Flashphoner WCS's REST API for SIP calls republished to RTMP (`/call/startup`,
 * `/call/terminate`, `/call/find`, `/push/startup`, …) below `/rest-api` on Node-RED's HTTP server, so
 * an existing WCS client works against Node-RED unchanged, once it sends the node's credential. No
 * inputs or outputs: call-status nodes see the calls it places (marked as this node's).
 */
export = function (RED: HttpNodeAPI): void {
  useRuntimeLanguage(RED);
  function WcsRestApiNode(this: Node, config: WcsRestApiConfig): void {
    RED.nodes.createNode(this, config);
    let controller: WcsRestApiController | undefined;
    if (RED.settings.httpNodeRoot === false) {
      this.warn(t("wcs.httpOff"));
      this.status({ fill: "red", shape: "ring", text: t("wcs.httpOffStatus") });
    } else {
      try {
        controller = new WcsRestApiController(this, RED, wcsNodeSettings(config), this.credentials ?? {});
      } catch (error) {
        const message = error instanceof Error ? localizedError(error).message : String(error);
        this.error(message);
        this.status({ fill: "red", shape: "ring", text: statusText(message) });
      }
    }
    this.on("close", (_removed, done) => {
      if (!controller) return done();
      controller.close().then(done, (error: unknown) => {
        this.warn(t("wcs.closeFailed", { reason: String(error) }));
        done();
      });
    });
  }
  // Kept by Node-RED in its encrypted credentials file, never in the flow: the token and password
  // never reach the editor again (password type) and the node never logs them.
  RED.nodes.registerType("wcs-rest-api", WcsRestApiNode, {
    credentials: { token: { type: "password" }, username: { type: "text" }, password: { type: "password" } },
  });
};
