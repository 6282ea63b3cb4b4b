import { DEFAULT_ENGINE_LIMITS, DEFAULT_RTP_SOURCE_CHECK, type EngineOptions, type RtpSourceCheck, type SipTransportName, type SrtpMode } from "node-red-contrib-sipcast";
import type { DtmfType } from "../shared/call-directory";
import { dnsServersOf } from "../shared/dns-servers";
import { settingBoolean, settingNumber, settingString } from "../shared/msg-fields";
import type { NodeDef } from "../shared/node-red-types";

/** The sip-account node's settings as the editor stores them (numbers may arrive as text). */
export interface SipAccountConfig extends NodeDef {
  login?: string;
  authName?: string;
  domain?: string;
  /**
   * "" = not given: the engine locates the server by DNS (NAPTR/SRV, RFC 3263) and uses 5060/5061
   * when there is no record. Absent (a flow written without it) keeps the old 5060/5061 as a given port.
   */
  port?: number | string;
  /** Comma or space separated DNS servers (`IP[:port]`) for locating the server; "" or absent = the system's. */
  dnsServers?: string;
  outboundProxy?: string;
  /** Comma-separated `host[:port]` whose challenges are also answered; absent in flows saved before it existed. */
  authHosts?: string;
  transport?: string;
  registerRequired?: boolean | string;
  registerExpires?: number | string;
  rtpPortMin?: number | string;
  rtpPortMax?: number | string;
  /** "signalled" or "learn"; absent in flows saved before it existed: "signalled". */
  rtpSourceCheck?: string;
  publicAddress?: string;
  localAddress?: string;
  dtmfType?: string;
  ffmpegPath?: string;
  tlsAllowSelfSigned?: boolean | string;
  /** "auto" (absent in flows saved before this field): the engine's default, offered over tls, off otherwise. */
  srtp?: string;
  srtpOverInsecureTransport?: boolean | string;
  /** Seconds. */
  requestTimeout?: number | string;
  /** EngineLimits; absent in flows saved before they existed (the engine's defaults apply). */
  maxCalls?: number | string;
  maxOutputsPerCall?: number | string;
  callStartsPerSecond?: number | string;
}

/** The credentials of a sip-account node. */
export interface SipAccountCredentials {
  password?: string;
}

/** What the account node hands to the engine, plus the node-level DTMF default. */
export interface AccountSettings {
  engine: Omit<EngineOptions, "logger">;
  dtmfType: DtmfType;
  registerRequired: boolean;
}

/**
 * Maps the editor's fields to EngineOptions. It only converts types and fills the editor's defaults:
 * the engine validates (resolveAccount and Engine throw a ConfigError naming the bad field).
 */
export function accountSettings(config: SipAccountConfig, credentials: SipAccountCredentials | undefined): AccountSettings {
  const registerRequired = settingBoolean(config.registerRequired, true);
  const transport = (settingString(config.transport) || "udp").toLowerCase() as SipTransportName;
  const optional = (value: unknown): string | undefined => settingString(value) || undefined;
  const srtp = settingString(config.srtp).toLowerCase();
  return {
    engine: {
      account: {
        login: settingString(config.login),
        authenticationName: optional(config.authName),
        password: credentials?.password ?? "",
        domain: settingString(config.domain),
        ...portOf(config.port, transport),
        outboundProxy: optional(config.outboundProxy),
        transport,
        registerRequired,
        registerExpires: settingNumber(config.registerExpires, 600),
        tlsRejectUnauthorized: !settingBoolean(config.tlsAllowSelfSigned, false),
        ...authHostsOf(config.authHosts),
        // The engine checks the mode (a ConfigError names "srtp").
        ...(srtp === "" || srtp === "auto" ? {} : { srtp: srtp as SrtpMode }),
        ...(settingBoolean(config.srtpOverInsecureTransport, false) ? { srtpOverInsecureTransport: true } : {}),
      },
      rtpPortRange: { min: settingNumber(config.rtpPortMin, 10000), max: settingNumber(config.rtpPortMax, 20000) },
      rtpSourceCheck: (settingString(config.rtpSourceCheck).trim() || DEFAULT_RTP_SOURCE_CHECK) as RtpSourceCheck,
      ...dnsServersOf(config.dnsServers),
      publicAddress: optional(config.publicAddress),
      localAddress: optional(config.localAddress),
      ffmpegPath: optional(config.ffmpegPath),
      requestTimeoutMs: settingNumber(config.requestTimeout, 32) * 1000,
      limits: {
        maxCalls: settingNumber(config.maxCalls, DEFAULT_ENGINE_LIMITS.maxCalls),
        maxOutputsPerCall: settingNumber(config.maxOutputsPerCall, DEFAULT_ENGINE_LIMITS.maxOutputsPerCall),
        callStartsPerSecond: settingNumber(config.callStartsPerSecond, DEFAULT_ENGINE_LIMITS.callStartsPerSecond),
      },
    },
    dtmfType: settingString(config.dtmfType).toUpperCase() === "INFO" ? "INFO" : "RFC2833",
    registerRequired,
  };
}

/** The comma-separated auth hosts field as the account's `authHosts` list (left out when empty). */
function authHostsOf(value: unknown): { authHosts?: string[] } {
  const hosts = settingString(value)
    .split(",")
    .map((h) => h.trim())
    .filter((h) => h !== "");
  return hosts.length > 0 ? { authHosts: hosts } : {};
}

/**
 * The port field: an empty field is left out, so the engine treats the port as not given and looks up
 * SRV records (RFC 3263 §4.2); a number, including a saved 5060, is a given port. A flow without the
 * field at all (written by hand before the empty field meant anything) keeps the conventional port.
 */
function portOf(value: unknown, transport: SipTransportName): { port?: number } {
  if (value === undefined || value === null) return { port: transport === "tls" ? 5061 : 5060 };
  if (typeof value === "string" && value.trim() === "") return {};
  return { port: settingNumber(value, transport === "tls" ? 5061 : 5060) };
}
