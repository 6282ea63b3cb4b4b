import type { SipAccountOptions } from "../sip/account-options";
import { parseHostPort, type HostAllowlist } from "./host-allowlist";

/** The SIP and RTMP allowlists of a REST API (empty = any host). */
export interface WcsAllowlists {
  sip: HostAllowlist;
  rtmp: HostAllowlist;
}

/**
 * 403 unless every SIP host of a `/call/startup` is allowed: `sipDomain` (on `sipPort`), the
 * `sipOutboundProxy`, and the host a full `callee` URI names (`sip:user@host`). The fields were
 * validated before, so a part that does not parse is left to that validation.
 */
export function checkSipTargets(allow: HostAllowlist, account: SipAccountOptions, callee: string, legacy: boolean): void {
  if (allow.isOpen) return;
  const field = (name: string): string => (legacy ? `connection.${name}` : name);
  allow.check(field("sipDomain"), account.domain, account.port ?? 5060);
  const proxy = account.outboundProxy ? parseHostPort(account.outboundProxy) : undefined;
  if (proxy) allow.check(field("sipOutboundProxy"), proxy.host, proxy.port ?? account.port ?? 5060);
  const named = /^(sips?:)?[^@]*@(\[[^\]]+\]|[^:;?>\s]+)(?::(\d+))?/i.exec(callee.trim());
  if (named) {
    const defaultPort = named[1]?.toLowerCase() === "sips:" ? 5061 : 5060;
    allow.check("callee", named[2], named[3] !== undefined ? Number(named[3]) : defaultPort);
  }
}

/** 403 unless the host of an RTMP(S) URL (already validated) is allowed; 1935 and 443 are the default ports. */
export function checkRtmpTarget(allow: HostAllowlist, url: string, field: string): void {
  if (allow.isOpen) return;
  const parsed = new URL(url);
  const port = parsed.port !== "" ? Number(parsed.port) : parsed.protocol === "rtmps:" ? 443 : 1935;
  allow.check(field, parsed.hostname, port);
}
