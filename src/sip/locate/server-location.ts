import { isIP } from "node:net";
import type { SipTransportName } from "../account-options";
import type { SipHop } from "../transport";
import type { DnsLookup } from "./dns-lookup";
import { orderSrv } from "./srv-order";

/** What to locate: the account's domain (or outbound proxy) as the user wrote it. */
export interface LocateRequest {
  host: string;
  /** The port: the user's, or the transport's default (5060, 5061 for TLS). */
  port: number;
  /** Whether the user wrote the port: then the host is looked up by A/AAAA only (RFC 3263 §4.2). */
  portGiven: boolean;
  transport: SipTransportName;
}

/** The NAPTR service field (RFC 3263 §4.1) and the SRV prefix (§4.2) of each transport. */
const SERVICES: Record<SipTransportName, { naptr: string; srv: string }> = {
  udp: { naptr: "SIP+D2U", srv: "_sip._udp." },
  tcp: { naptr: "SIP+D2T", srv: "_sip._tcp." },
  tls: { naptr: "SIPS+D2T", srv: "_sips._tcp." },
};

/**
 * The servers to try for a SIP domain, best first (RFC 3263 §4, for a client whose transport is
 * configured).
 *
 * @remarks
 * - An IP address is used as it is; so is a host with a port, as a name the socket resolves
 *   (getaddrinfo: /etc/hosts, then DNS), exactly as before RFC 3263 was followed: unless the user
 *   named DNS servers, whose A/AAAA answers are then used (a name only they know).
 * - Otherwise NAPTR records of the host whose service is this transport's, by order then preference,
 *   give the SRV names to ask (`s` flag); without such records the SRV name is `_sip._udp.`,
 *   `_sip._tcp.` or `_sips._tcp.` + host. SRV targets are ordered by priority, then by weighted
 *   random draw (RFC 2782), and each becomes one entry per A/AAAA address, with the SRV port.
 * - No SRV record at all: the host itself at the given port (same rule as the first point).
 * A failed query counts as no record; what cannot be resolved is left out. Never empty: when
 * nothing resolves, the host itself is returned and the socket's lookup has the last word.
 */
export async function locateServer(request: LocateRequest, dns: DnsLookup): Promise<SipHop[]> {
  const { host, port } = request;
  if (isIP(host) !== 0) return [{ host, port }];
  const plain = async (): Promise<SipHop[]> => (dns.custom ? await addressHops(dns, host, port) : []);
  if (request.portGiven) return nonEmpty(await plain(), { host, port });
  const service = SERVICES[request.transport];
  const srvNames = (await dns.naptr(host))
    .filter((r) => r.flags.toLowerCase() === "s" && r.service.toUpperCase() === service.naptr && r.replacement !== "")
    .sort((a, b) => a.order - b.order || a.preference - b.preference)
    .map((r) => r.replacement);
  const names = srvNames.length > 0 ? srvNames : [`${service.srv}${host}`];
  const hops: SipHop[] = [];
  for (const name of names) {
    for (const target of orderSrv(await dns.srv(name))) hops.push(...(await addressHops(dns, target.name, target.port)));
  }
  return nonEmpty(hops.length > 0 ? hops : await plain(), { host, port });
}

async function addressHops(dns: DnsLookup, name: string, port: number): Promise<SipHop[]> {
  return (await dns.addresses(name)).map((address) => ({ host: address, port }));
}

function nonEmpty(hops: SipHop[], fallback: SipHop): SipHop[] {
  return hops.length > 0 ? hops : [fallback];
}
