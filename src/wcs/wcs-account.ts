import { createHash } from "node:crypto";
import { ConfigError } from "../errors";
import { resolveAccount, type SipAccountOptions, type SipTransportName } from "../sip/account-options";
import type { SrtpMode } from "../srtp/srtp-mode";
import { badField } from "./wcs-http-error";
import { optionalString, requiredString, wcsBoolean, wcsPort, type WcsBody } from "./wcs-fields";

/** A SIP account read from a WCS body, and the key its engine is cached under. */
export interface WcsAccount {
  options: SipAccountOptions;
  /** `login@domain:port` plus everything else that makes a different account, the password only as a hash. */
  key: string;
}

/** Our account option names → the WCS field they come from, to name the right field in a 400. */
const WCS_FIELD: Readonly<Record<string, string>> = {
  login: "sipLogin",
  authenticationName: "sipAuthenticationName",
  domain: "sipDomain",
  port: "sipPort",
  outboundProxy: "sipOutboundProxy",
  transport: "sipTransport",
  displayName: "visibleName",
  srtp: "sipSrtp",
  srtpOverInsecureTransport: "sipSrtpOverInsecureTransport",
};

/**
 * Reads the SIP account of a `/call/startup` body (or of the legacy `/call`'s `connection` object):
 * `sipLogin`, `sipAuthenticationName`, `sipPassword`, `sipDomain`, `sipPort`, `sipOutboundProxy`,
 * `sipRegisterRequired`, `visibleName` (the display name), and, beyond WCS, `sipTransport`
 * (UDP|TCP|TLS, default UDP), `sipSrtp` (off|offered|required; default offered over TLS, off
 * otherwise) and `sipSrtpOverInsecureTransport` (default false).
 *
 * @remarks
 * In WCS `sipPort` is the port of whatever the requests go to; so an outbound proxy given without a
 * port (the WCS demo pages fill it with the domain's address) gets `sipPort`, not 5060.
 * @throws WcsHttpError 400 naming the WCS field.
 */
export function accountFromBody(body: WcsBody, visibleName?: string): WcsAccount {
  const login = requiredString(body, "sipLogin");
  const domain = requiredString(body, "sipDomain");
  const port = wcsPort(body, "sipPort", 5060);
  const proxy = optionalString(body, "sipOutboundProxy");
  const transportText = optionalString(body, "sipTransport")?.toLowerCase();
  if (transportText !== undefined && !["udp", "tcp", "tls"].includes(transportText)) throw badField("sipTransport", "expected UDP, TCP or TLS");
  const options: SipAccountOptions = {
    login,
    authenticationName: optionalString(body, "sipAuthenticationName"),
    password: optionalString(body, "sipPassword") ?? "",
    domain,
    port,
    outboundProxy: proxy === undefined ? undefined : /:\d+$/.test(proxy) && !/^\[[^\]]*\]$/.test(proxy) ? proxy : `${proxy}:${port}`,
    transport: (transportText ?? "udp") as SipTransportName,
    registerRequired: wcsBoolean(body, "sipRegisterRequired", true),
    displayName: visibleName,
  };
  const srtp = optionalString(body, "sipSrtp")?.toLowerCase();
  if (srtp !== undefined) options.srtp = srtp as SrtpMode;
  if (wcsBoolean(body, "sipSrtpOverInsecureTransport", false)) options.srtpOverInsecureTransport = true;
  let resolved;
  try {
    resolved = resolveAccount(options);
  } catch (error) {
    if (error instanceof ConfigError) {
      const ours = /^(\w+):/.exec(error.message)?.[1] ?? "";
      const field = WCS_FIELD[ours] ?? ours;
      throw badField(field, error.message.replace(/^\w+:\s*/, ""));
    }
    throw error;
  }
  const passwordHash = createHash("sha256").update(resolved.password).digest("hex").slice(0, 16);
  const proxyText = resolved.outboundProxy ? `${resolved.outboundProxy.host}:${resolved.outboundProxy.port}` : "";
  const key = [
    `${resolved.login}@${resolved.domain}:${resolved.port}`,
    resolved.authenticationName,
    resolved.transport,
    proxyText,
    resolved.registerRequired ? "reg" : "noreg",
    resolved.displayName ?? "",
    resolved.srtp,
    passwordHash,
  ].join("|");
  return { options, key };
}
