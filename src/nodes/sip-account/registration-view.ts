import { outcomeOfRejection, type RegistrationResult } from "node-red-contrib-sipcast";
import { t } from "../shared/i18n";
import { statusText } from "../shared/input-handler";
import type { NodeStatus } from "../shared/node-red-types";

/** The status every user of a sip-account shows while no call of its own is live. */
export const registrationView = {
  registering: (): NodeStatus => ({ fill: "yellow", shape: "ring", text: t("account.registering") }),
  registered: (): NodeStatus => ({ fill: "green", shape: "dot", text: t("account.registered") }),
  /** Registration is off: calls go out unregistered (challenges are still answered). */
  noRegister: (): NodeStatus => ({ fill: "green", shape: "ring", text: t("account.noRegister") }),
  unregistered: (): NodeStatus => ({ fill: "yellow", shape: "ring", text: t("account.unregistered") }),
  /** A failed REGISTER: the reason (AUTHENTICATION_FAILED, …) and SIP code, never the credentials. */
  failed: (result: RegistrationResult): NodeStatus => {
    const { reason } = outcomeOfRejection(result.sipStatus);
    const code = result.sipStatus > 0 ? ` (${result.sipStatus})` : "";
    return { fill: "red", shape: "ring", text: statusText(t("account.failed", { reason: `${reason}${code}` })) };
  },
  /** The settings are unusable (the engine's ConfigError names the field). */
  invalid: (message: string): NodeStatus => ({ fill: "red", shape: "ring", text: statusText(t("account.failed", { reason: message })) }),
};
