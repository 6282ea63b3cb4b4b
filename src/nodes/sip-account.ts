import { useRuntimeLanguage } from "./shared/i18n";
import { AccountController } from "./sip-account/account-controller";
import { attachAccount } from "./sip-account/account-registry";
import { accountSettings, type SipAccountConfig, type SipAccountCredentials } from "./sip-account/account-settings";
import type { Node, NodeAPI } from "./shared/node-red-types";
import { flowStreams } from "./shared/flow-streams";

/**
 * sip-account: the config node that owns one SIP user agent (an Engine) for the nodes that use it.
 * The password is a credential: it is never part of the flow JSON.
 */
export = function (RED: NodeAPI): void {
  useRuntimeLanguage(RED);
  function SipAccountNode(this: Node, config: SipAccountConfig): void {
    RED.nodes.createNode(this, config);
    const streams = flowStreams(RED);
    const controller = new AccountController(this, accountSettings(config, this.credentials as SipAccountCredentials | undefined), undefined, streams.registry);
    streams.acquire(controller);
    attachAccount(this, controller);
    this.on("close", (_removed, done) => {
      streams.release(controller);
      void controller.close().then(() => done());
    });
  }
  RED.nodes.registerType("sip-account", SipAccountNode, { credentials: { password: { type: "password" } } });
};
