import { Resolver } from "node:dns/promises";
import { isIP } from "node:net";
import { ConfigError } from "../../errors";
import type { SrvRecord } from "./srv-order";

/** A NAPTR record (RFC 3403), as Node's resolver gives it. */
export interface NaptrRecord {
  flags: string;
  service: string;
  regexp: string;
  replacement: string;
  order: number;
  preference: number;
}

/** The DNS queries RFC 3263 needs. Each resolves with [] when the name or the record type does not exist. */
export interface DnsLookup {
  naptr(name: string): Promise<NaptrRecord[]>;
  srv(name: string): Promise<SrvRecord[]>;
  /** IPv4 then IPv6 addresses of `name`. */
  addresses(name: string): Promise<string[]>;
  /** true when these are the servers of the user's choice (`dnsServers`), false for the system's. */
  readonly custom: boolean;
}

/** The most `dnsServers` entries an engine takes. */
export const MAX_DNS_SERVERS = 8;
/** How long one DNS query may take before it is retried (once) and then given up. */
export const DNS_QUERY_TIMEOUT_MS = 1500;

/** "No such record" answers, which mean an empty list; anything else (timeout, refused) also gives [] but is reported. */
const NOT_FOUND = new Set(["ENOTFOUND", "ENODATA", "NOTFOUND", "NODATA"]);

/**
 * Checks `dnsServers` (IP addresses, each with an optional port: `127.0.0.1`, `127.0.0.1:5353`,
 * `[::1]:53`); throws ConfigError naming the field.
 */
export function checkDnsServers(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_DNS_SERVERS) {
    throw new ConfigError(`dnsServers: expected 1 to ${MAX_DNS_SERVERS} addresses such as "192.0.2.53" or "127.0.0.1:5353"`);
  }
  return value.map((entry: unknown) => {
    const m = typeof entry === "string" ? /^(?:\[([0-9A-Fa-f:.]+)\]|([0-9.]+))(?::(\d{1,5}))?$|^([0-9A-Fa-f:]+)$/.exec(entry.trim()) : null;
    const host = m ? (m[1] ?? m[2] ?? m[4]) : undefined;
    const port = m?.[3] === undefined ? 53 : Number(m[3]);
    if (!host || isIP(host) === 0 || port < 1 || port > 65535) {
      throw new ConfigError(`dnsServers: "${String(entry).slice(0, 64)}" is not an IP address with an optional port`);
    }
    return (entry as string).trim();
  });
}

/**
 * DNS through Node's c-ares resolver: the servers given (`dnsServers`), else the system's
 * (/etc/resolv.conf). Unlike the sockets' own lookup (getaddrinfo) it does not read /etc/hosts.
 */
export function createDnsLookup(servers: readonly string[] | undefined, onError: (message: string) => void = () => undefined): DnsLookup {
  const resolver = new Resolver({ timeout: DNS_QUERY_TIMEOUT_MS, tries: 2 });
  if (servers) resolver.setServers([...servers]);
  const query = async <T>(what: string, name: string, run: () => Promise<T[]>): Promise<T[]> => {
    try {
      return await run();
    } catch (error) {
      const code = (error as { code?: string }).code ?? "";
      if (!NOT_FOUND.has(code)) onError(`DNS ${what} ${name}: ${code || String(error)}`);
      return [];
    }
  };
  return {
    custom: servers !== undefined,
    naptr: (name) => query("NAPTR", name, () => resolver.resolveNaptr(name)),
    srv: (name) => query("SRV", name, () => resolver.resolveSrv(name)),
    addresses: async (name) => [
      ...(await query("A", name, () => resolver.resolve4(name))),
      ...(await query("AAAA", name, () => resolver.resolve6(name))),
    ],
  };
}
