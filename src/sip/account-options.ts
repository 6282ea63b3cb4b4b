import { ConfigError } from "../errors";
import { checkOptionalText, checkText, TEXT_LIMITS } from "../util/text-fields";
import { parseSrtpMode, type SrtpMode } from "../srtp/srtp-mode";
import { isSrtpSuite, SRTP_SUITES, type SrtpSuite } from "../srtp/srtp-suite";

export type SipTransportName = "udp" | "tcp" | "tls";

/** A SIP account as a user configures it (the WCS `sipLogin`, `sipAuthenticationName`, … fields). */
export interface SipAccountOptions {
  /** The user part of our address of record: sip:login@domain. */
  login: string;
  /** The digest user name; defaults to `login` (PBXs often use an extension number here). */
  authenticationName?: string;
  password?: string;
  /** The SIP domain / registrar host. */
  domain: string;
  /** The registrar/proxy port (5060, or 5061 for TLS, when absent). */
  port?: number;
  /** `host[:port]` every request is sent to, when set. */
  outboundProxy?: string;
  transport?: SipTransportName;
  /** Register before calling (default true). false: INVITE straight away, still answering 401/407 challenges. */
  registerRequired?: boolean;
  /** Requested registration lifetime in seconds (default 600); sip.js refreshes before it runs out. */
  registerExpires?: number;
  /** The name shown to the callee (From header); any text but CR, LF and NUL, at most 128 characters. */
  displayName?: string;
  /** TLS: false allows self-signed certificates. Default true (certificates verified). */
  tlsRejectUnauthorized?: boolean;
  /**
   * Also answer 401/407 challenges from these hosts (`host` for any port, or `host:port`). By
   * default the credentials only answer challenges to requests that go to the account's
   * domain:port and outbound proxy; a challenge from anywhere else ends the call with
   * AUTHENTICATION_FAILED. At most {@link MAX_AUTH_HOSTS}.
   */
  authHosts?: string[];
  /**
   * SDES-SRTP media encryption: "off", "offered" (best effort, plain RTP when the peer ignores
   * the keys) or "required" (the call fails with SRTP_REFUSED without it). Default: "offered"
   * over tls, "off" over udp/tcp (SDES keys travel in the SDP, readable on an unencrypted hop).
   */
  srtp?: SrtpMode;
  /** Allows srtp "offered"/"required" over udp/tcp, where anyone on the path reads the keys. Default false. */
  srtpOverInsecureTransport?: boolean;
  /** The crypto suites we offer and accept, in preference order. Default: all of SRTP_SUITES (the 80-bit tag first). */
  srtpSuites?: SrtpSuite[];
}

/** The account with every default filled in and every field checked. */
export interface ResolvedAccount {
  login: string;
  authenticationName: string;
  password: string;
  domain: string;
  port: number;
  /**
   * Whether the user wrote the port (`port`, or in `outboundProxy`). RFC 3263 §4.2: a host with a
   * port is looked up by A/AAAA only; without one, NAPTR and SRV come first (server-location.ts).
   */
  portGiven?: boolean;
  outboundProxy?: { host: string; port: number; portGiven?: boolean };
  transport: SipTransportName;
  registerRequired: boolean;
  registerExpires: number;
  displayName?: string;
  tlsRejectUnauthorized: boolean;
  /**
   * Every host whose challenges are answered: domain:port (with an outbound proxy also the domain at
   * the transport's default port, as bare callees are addressed), the outbound proxy, then `authHosts`.
   */
  authHosts: { host: string; port?: number }[];
  srtp: SrtpMode;
  srtpSuites: SrtpSuite[];
}

/** The most `authHosts` entries an account may list. */
export const MAX_AUTH_HOSTS = 16;

const TOKEN = /^[A-Za-z0-9\-_.!~*'()&=+$,;?/%]+$/;
const HOST = /^[A-Za-z0-9.\-]+$|^\[[0-9A-Fa-f:.]+\]$/;

/** Parses `host[:port]`; the port defaults to `defaultPort`. */
export function parseHostPort(value: string, field: string, defaultPort: number): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(value.trim().replace(/^sips?:/i, ""));
  if (!m || !HOST.test(m[1])) throw new ConfigError(`${field}: expected host[:port], got "${value}"`);
  const port = m[2] === undefined ? defaultPort : Number(m[2]);
  checkPort(port, field);
  return { host: m[1], port };
}

function checkPort(port: number, field: string): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new ConfigError(`${field}: not a port number: ${port}`);
}

/** Parses `authHosts`: each `host` (any port) or `host:port`. */
function parseAuthHosts(value: unknown): { host: string; port?: number }[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new ConfigError("authHosts: expected a list of host[:port]");
  if (value.length > MAX_AUTH_HOSTS) throw new ConfigError(`authHosts: at most ${MAX_AUTH_HOSTS} hosts, got ${value.length}`);
  return value.map((entry: unknown) => {
    if (typeof entry !== "string" || entry.length > 255) throw new ConfigError("authHosts: expected host[:port] strings");
    const hasPort = /^(\[[^\]]*\]|[^:]*):\d+$/.test(entry.trim());
    const { host, port } = parseHostPort(entry, "authHosts", 5060);
    return hasPort ? { host: unbracket(host), port } : { host: unbracket(host) };
  });
}

function unbracket(host: string): string {
  return host.replace(/^\[|\]$/g, "");
}

/** Checks the account and fills in defaults. Throws ConfigError naming the bad field (never echoing the password). */
export function resolveAccount(o: SipAccountOptions): ResolvedAccount {
  if (o === null || typeof o !== "object") throw new ConfigError(`account: expected an object`);
  // Length and CR/LF/NUL first, so that the syntax errors below never echo an oversized or multi-line value.
  checkText("login", o.login ?? "", TEXT_LIMITS.login);
  checkOptionalText("authenticationName", o.authenticationName, TEXT_LIMITS.authenticationName);
  checkText("domain", o.domain ?? "", TEXT_LIMITS.domain);
  checkOptionalText("outboundProxy", o.outboundProxy, TEXT_LIMITS.outboundProxy);
  checkOptionalText("displayName", o.displayName, TEXT_LIMITS.displayName);
  const transport = o.transport ?? "udp";
  if (!["udp", "tcp", "tls"].includes(transport)) throw new ConfigError(`transport: expected udp, tcp or tls, got "${String(transport)}"`);
  if (!o.login || !TOKEN.test(o.login)) throw new ConfigError(`login: expected a SIP user name, got "${o.login ?? ""}"`);
  const authenticationName = o.authenticationName || o.login;
  if (!TOKEN.test(authenticationName)) throw new ConfigError(`authenticationName: not a valid user name`);
  if (!o.domain || !HOST.test(o.domain)) throw new ConfigError(`domain: expected a host name or address, got "${o.domain ?? ""}"`);
  const port = o.port ?? (transport === "tls" ? 5061 : 5060);
  checkPort(port, "port");
  const expires = o.registerExpires ?? 600;
  if (!Number.isInteger(expires) || expires < 30) throw new ConfigError(`registerExpires: expected whole seconds >= 30, got ${expires}`);
  const defaultPort = transport === "tls" ? 5061 : 5060;
  const outboundProxy = o.outboundProxy
    ? { ...parseHostPort(o.outboundProxy, "outboundProxy", defaultPort), portGiven: /^(\[[^\]]*\]|[^:]*):\d+$/.test(o.outboundProxy.trim().replace(/^sips?:/i, "")) }
    : undefined;
  const authHosts: { host: string; port?: number }[] = [{ host: unbracket(o.domain), port }];
  if (outboundProxy) {
    // Through a proxy a bare callee is addressed as user@domain, without the port (calleeUri).
    authHosts.push({ host: unbracket(o.domain), port: defaultPort }, { host: unbracket(outboundProxy.host), port: outboundProxy.port });
  }
  authHosts.push(...parseAuthHosts(o.authHosts));
  const srtp = o.srtp === undefined ? (transport === "tls" ? "offered" : "off") : parseSrtpMode(o.srtp);
  if (o.srtpOverInsecureTransport !== undefined && typeof o.srtpOverInsecureTransport !== "boolean") {
    throw new ConfigError(`srtpOverInsecureTransport: expected true or false, got ${JSON.stringify(o.srtpOverInsecureTransport)}`);
  }
  if (srtp !== "off" && transport !== "tls" && o.srtpOverInsecureTransport !== true) {
    throw new ConfigError(`srtp: "${srtp}" sends the media keys in the SDP, readable over ${transport}: use transport tls, or set srtpOverInsecureTransport: true`);
  }
  const srtpSuites = o.srtpSuites ?? [...SRTP_SUITES];
  if (!Array.isArray(srtpSuites) || srtpSuites.length === 0 || !srtpSuites.every((s) => typeof s === "string" && isSrtpSuite(s)) || new Set(srtpSuites).size !== srtpSuites.length) {
    throw new ConfigError(`srtpSuites: expected a non-empty list of distinct suites from ${SRTP_SUITES.join(", ")}, got ${JSON.stringify(o.srtpSuites)}`);
  }
  return {
    login: o.login,
    authenticationName,
    password: o.password ?? "",
    domain: o.domain,
    port,
    portGiven: o.port !== undefined,
    outboundProxy,
    transport,
    registerRequired: o.registerRequired ?? true,
    registerExpires: expires,
    displayName: o.displayName,
    tlsRejectUnauthorized: o.tlsRejectUnauthorized ?? true,
    authHosts,
    srtp,
    srtpSuites: [...srtpSuites],
  };
}

/** The registrar/proxy address with a port only when it is not the transport's default (so URIs stay canonical). */
export function domainHostPort(a: ResolvedAccount): string {
  const defaultPort = a.transport === "tls" ? 5061 : 5060;
  return a.port === defaultPort ? a.domain : `${a.domain}:${a.port}`;
}

/** The URI an INVITE for `callee` is addressed to: a full sip: URI is kept, a bare user goes to the account's domain. */
export function calleeUri(a: ResolvedAccount, callee: string): string {
  const c = checkText("callee", callee, TEXT_LIMITS.callee).trim();
  if (/^sips?:/i.test(c)) return c;
  if (c.includes("@")) return `sip:${c}`;
  if (!c || !TOKEN.test(c)) throw new ConfigError(`callee: expected a user name or sip: URI, got "${callee}"`);
  return `sip:${c}@${a.outboundProxy ? a.domain : domainHostPort(a)}`;
}
