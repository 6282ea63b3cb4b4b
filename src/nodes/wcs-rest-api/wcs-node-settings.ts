import { checkDnsServers, DEFAULT_ENGINE_LIMITS, MAX_DNS_SERVERS, isRtmpUrl, DEFAULT_RTP_SOURCE_CHECK, type DtmfType, type EngineOptions, type RtpSourceCheck, type StreamRegistryOptions, type WcsRestApiOptions } from "node-red-contrib-sipcast";
import { dnsServersOf } from "../shared/dns-servers";
import { NodeTextError } from "../shared/i18n";
import { settingNumber, settingString } from "../shared/msg-fields";
import type { NodeDef } from "../shared/node-red-types";
import { authMode, type WcsAuthMode } from "./request-auth";

/** The wcs-rest-api node's settings as the editor stores them (numbers may arrive as text). */
export interface WcsRestApiConfig extends NodeDef {
  /** Where the API is served below httpNodeRoot (default "/rest-api"). */
  basePath?: string;
  /** This server's RTMP application for `toStream` (e.g. rtmp://127.0.0.1:1935/live); "" = none. */
  localRtmpUrl?: string;
  /** Put before `/push/startup` stream names (WCS `rtmp_transponder_stream_name_prefix`). */
  streamNamePrefix?: string;
  /** "RFC2833" or "INFO": the DTMF type when a body names none. */
  defaultDtmfType?: string;
  localAddress?: string;
  publicAddress?: string;
  rtpPortMin?: number | string;
  rtpPortMax?: number | string;
  /** "credential" (default, also when absent), "httpNodeAuth" or "none": see request-auth.ts. */
  auth?: string;
  /** SIP hosts the API may use, comma or space separated (`host` or `host:port`); "" = any. */
  allowedSipHosts?: string;
  /** RTMP hosts the API may publish to, in the same form; "" = any. */
  allowedRtmpHosts?: string;
  /** "signalled" or "learn" (see the sip-account node); absent in older flows: "signalled". */
  rtpSourceCheck?: string;
  /** Comma or space separated DNS servers (`IP[:port]`) for locating SIP servers; "" or absent = the system's. */
  dnsServers?: string;
  /** EngineLimits for the whole API; absent in flows saved before they existed (defaults apply). */
  maxCalls?: number | string;
  maxOutputsPerCall?: number | string;
  callStartsPerSecond?: number | string;
}

/** What the node builds from its settings. */
export interface WcsNodeSettings {
  /** Normalised: a leading "/", no trailing "/", never the root. */
  basePath: string;
  api: Omit<WcsRestApiOptions, "engineFactory" | "logger" | "streams">;
  auth: WcsAuthMode;
  /** WebRTC viewers of the calls' `toStream`: ICE on `localAddress` when it names one IPv4 address, `publicAddress` announced. */
  whep: Omit<StreamRegistryOptions, "logger">;
}

export const DEFAULT_BASE_PATH = "/rest-api";

/** A base path made of URL path characters, at least one segment, no empty or dot segments. */
const BASE_PATH = /^(\/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)+$/;

/**
 * Checks and converts the editor's fields. Throws an Error naming the field; the engine checks the
 * addresses and the port range itself when the first call is placed.
 */
export function wcsNodeSettings(config: WcsRestApiConfig): WcsNodeSettings {
  const typed = settingString(config.basePath).trim() || DEFAULT_BASE_PATH;
  const basePath = `/${typed.replace(/^\/+|\/+$/g, "")}`;
  if (!BASE_PATH.test(basePath)) throw new NodeTextError("wcs.badBasePath", { example: DEFAULT_BASE_PATH, value: typed });
  const localRtmpUrl = settingString(config.localRtmpUrl).trim();
  if (localRtmpUrl && !isRtmpUrl(localRtmpUrl)) throw new NodeTextError("wcs.badLocalRtmpUrl", { value: localRtmpUrl });
  const dtmfType: DtmfType = settingString(config.defaultDtmfType).toUpperCase() === "INFO" ? "INFO" : "RFC2833";
  const optional = (value: unknown): string | undefined => settingString(value).trim() || undefined;
  const dns = dnsServersOf(config.dnsServers);
  // Checked here with the engine's own rule, so a wrong entry stops the deploy rather than the first call.
  try {
    checkDnsServers(dns.dnsServers);
  } catch {
    throw new NodeTextError("wcs.badDnsServers", { max: MAX_DNS_SERVERS, value: settingString(config.dnsServers).slice(0, 200) });
  }
  const engineOptions: Omit<EngineOptions, "account"> = {
    rtpPortRange: { min: settingNumber(config.rtpPortMin, 10000), max: settingNumber(config.rtpPortMax, 20000) },
    rtpSourceCheck: (optional(config.rtpSourceCheck) ?? DEFAULT_RTP_SOURCE_CHECK) as RtpSourceCheck,
    ...dns,
    localAddress: optional(config.localAddress),
    publicAddress: optional(config.publicAddress),
    limits: {
      maxCalls: settingNumber(config.maxCalls, DEFAULT_ENGINE_LIMITS.maxCalls),
      maxOutputsPerCall: settingNumber(config.maxOutputsPerCall, DEFAULT_ENGINE_LIMITS.maxOutputsPerCall),
      callStartsPerSecond: settingNumber(config.callStartsPerSecond, DEFAULT_ENGINE_LIMITS.callStartsPerSecond),
    },
  };
  const bind = engineOptions.localAddress;
  const whep: Omit<StreamRegistryOptions, "logger"> = {
    network: {
      ...(bind && bind !== "0.0.0.0" && /^\d+\.\d+\.\d+\.\d+$/.test(bind) ? { bindAddress: bind } : {}),
      ...(engineOptions.publicAddress && /^\d+\.\d+\.\d+\.\d+$/.test(engineOptions.publicAddress) ? { publicAddress: engineOptions.publicAddress } : {}),
    },
  };
  return {
    basePath,
    auth: authMode(config.auth),
    whep,
    api: {
      ...(localRtmpUrl ? { localRtmpUrl } : {}),
      allowedSipHosts: hostList(config.allowedSipHosts),
      allowedRtmpHosts: hostList(config.allowedRtmpHosts),
      streamNamePrefix: settingString(config.streamNamePrefix),
      defaultDtmfType: dtmfType,
      engineOptions,
    },
  };
}

/** A comma or space separated list of hosts (the REST API core checks each entry). */
function hostList(value: unknown): string[] {
  return settingString(value)
    .split(/[\s,]+/)
    .filter((entry) => entry !== "");
}

/** The Express route pattern for everything below `basePath` (case-insensitive, as Express routes are). */
export function basePathPattern(basePath: string): RegExp {
  const escaped = basePath.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`^${escaped}(?:/.*)?$`, "i");
}
