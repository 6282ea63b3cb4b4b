import { parseArgs } from "node:util";
import {
  ConfigError,
  MAX_ENGINE_LIMITS,
  MAX_JITTER_BUFFER_MS,
  MAX_PUBLISH_RETRIES,
  RTP_SOURCE_CHECKS,
  checkAudioFilePath,
  isRtpSourceCheck,
  parseDtmfDigits,
  parseSrtpMode,
  type CallOptions,
  type DtmfType,
  type EngineLimits,
  type PortRange,
  type RtpSourceCheck,
  type SipAccountOptions,
  type SipTransportName,
} from "../index";
import { checkFlagSyntax, type FlagSpec } from "./flag-syntax";
import { parseWhepFlags, type CliWhep } from "./whep-flags";

/** DTMF the CLI sends once the call is answered. */
export interface CliDtmf {
  digits: string;
  type: DtmfType;
  /** Wait after ESTABLISHED before the first key. */
  delayMs: number;
}

/** Restarts of a failed output before the CLI gives up on it (and, with no output left, on the call). */
export const DEFAULT_CLI_RTMP_RETRIES = 2;

/** Everything `sipcast call` was asked to do. */
export interface CliCallOptions {
  account: SipAccountOptions;
  call: CallOptions;
  durationSec?: number;
  json: boolean;
  verbose: boolean;
  ffmpegPath?: string;
  requestTimeoutMs?: number;
  rtpPortRange?: PortRange;
  rtpSourceCheck?: RtpSourceCheck;
  publicAddress?: string;
  localAddress?: string;
  /** `--dns-server`: DNS servers for locating the SIP domain (RFC 3263); absent: the system's. */
  dnsServers?: string[];
  dtmf?: CliDtmf;
  /** Only the limits given as flags; the engine fills in the rest. */
  limits?: EngineLimits;
  /** `--to-stream` with `--whep-listen`: the HTTP server for WebRTC viewers of the call. */
  whep?: CliWhep;
}

export type CliCommand = { kind: "help" } | { kind: "version" } | { kind: "call"; options: CliCallOptions };

const SPEC = {
  help: { type: "boolean", short: "h" },
  // -V, as -v is --verbose (the pair curl, ssh and python use).
  version: { type: "boolean", short: "V" },
  "sip-login": { type: "string" },
  "sip-authentication-name": { type: "string" },
  "sip-password": { type: "string" },
  "sip-domain": { type: "string" },
  "sip-port": { type: "string" },
  "sip-outbound-proxy": { type: "string" },
  "sip-transport": { type: "string" },
  "sip-register-required": { type: "string" },
  "sip-register-expires": { type: "string" },
  "sip-public-address": { type: "string" },
  "sip-local-address": { type: "string" },
  "sip-request-timeout": { type: "string" },
  "tls-allow-self-signed": { type: "boolean" },
  "sip-auth-host": { type: "string", multiple: true },
  "dns-server": { type: "string", multiple: true },
  srtp: { type: "string" },
  "srtp-over-insecure-transport": { type: "boolean" },
  callee: { type: "string" },
  "call-id": { type: "string" },
  "rtmp-url": { type: "string" },
  "rtmp-stream": { type: "string" },
  "rtmp-retries": { type: "string" },
  "rtmps-allow-self-signed": { type: "boolean" },
  record: { type: "string" },
  "slate-image": { type: "string" },
  "send-video-slate": { type: "string" },
  "has-audio": { type: "string" },
  "has-video": { type: "string" },
  duration: { type: "string" },
  "rtp-port-range": { type: "string" },
  "rtp-source-check": { type: "string" },
  dtmf: { type: "string" },
  "dtmf-type": { type: "string" },
  "dtmf-delay-ms": { type: "string" },
  "rtp-timeout": { type: "string" },
  "jitter-buffer-ms": { type: "string" },
  "play-audio": { type: "string" },
  "play-audio-loop": { type: "string" },
  ffmpeg: { type: "string" },
  "to-stream": { type: "string" },
  "whep-listen": { type: "string" },
  "whep-public-address": { type: "string" },
  "whep-port-range": { type: "string" },
  "max-calls": { type: "string" },
  "max-outputs-per-call": { type: "string" },
  "call-starts-per-second": { type: "string" },
  json: { type: "boolean" },
  verbose: { type: "boolean", short: "v" },
} as const satisfies Record<string, FlagSpec>;

/** The flags `sipcast call` cannot do without. */
const REQUIRED_FLAGS = ["sip-login", "sip-domain", "callee"] as const;

function bool(value: string | undefined, flag: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (/^(true|1|yes)$/i.test(value)) return true;
  if (/^(false|0|no)$/i.test(value)) return false;
  throw new ConfigError(`--${flag}: expected true or false, got "${value}"`);
}

function num(value: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max) throw new ConfigError(`--${flag}: expected a number from ${min} to ${max}, got "${value}"`);
  return n;
}

/** The values of every required flag; all the missing ones are named in one error. */
function requiredFlags(values: Partial<Record<(typeof REQUIRED_FLAGS)[number], string>>): Record<(typeof REQUIRED_FLAGS)[number], string> {
  const missing = REQUIRED_FLAGS.filter((flag) => !values[flag]);
  if (missing.length > 0) throw new ConfigError(`missing required flag${missing.length > 1 ? "s" : ""} ${missing.map((f) => `--${f}`).join(", ")} (see sipcast --help)`);
  return { "sip-login": values["sip-login"] ?? "", "sip-domain": values["sip-domain"] ?? "", callee: values.callee ?? "" };
}

/** The positionals: a command (`call`, `help`) and nothing after it. */
function checkCommand(positionals: string[]): void {
  const [command, extra] = positionals;
  if (command !== "call" && command !== "help") throw new ConfigError(`unknown command "${command}" (the command is call; see sipcast --help)`);
  if (extra !== undefined) throw new ConfigError(`unexpected argument "${extra}" (every value follows its flag, e.g. --callee 1002; see sipcast --help)`);
}

/** Parses the command line. Throws ConfigError with the offending flag named. */
export function parseCli(argv: string[], env: NodeJS.ProcessEnv): CliCommand {
  checkFlagSyntax(argv, SPEC);
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: SPEC, allowPositionals: true, strict: true });
  } catch (error) {
    // checkFlagSyntax has named every case parseArgs refuses; this keeps any other one a usage error.
    throw new ConfigError((error as Error).message);
  }
  const { values: v, positionals } = parsed;
  if (v.help) return { kind: "help" };
  if (v.version) return { kind: "version" };
  if (positionals.length === 0) return { kind: "help" };
  checkCommand(positionals);
  if (positionals[0] === "help") return { kind: "help" };
  const given = requiredFlags(v);
  const transport = (v["sip-transport"] ?? "udp").toLowerCase();
  if (!["udp", "tcp", "tls"].includes(transport)) throw new ConfigError(`--sip-transport: expected udp, tcp or tls`);
  const range = v["rtp-port-range"];
  let rtpPortRange: PortRange | undefined;
  if (range !== undefined) {
    const m = /^(\d+)-(\d+)$/.exec(range);
    if (!m) throw new ConfigError(`--rtp-port-range: expected MIN-MAX, e.g. 10000-20000`);
    rtpPortRange = { min: Number(m[1]), max: Number(m[2]) };
  }
  const sourceCheck = v["rtp-source-check"];
  if (sourceCheck !== undefined && !isRtpSourceCheck(sourceCheck)) throw new ConfigError(`--rtp-source-check: expected ${RTP_SOURCE_CHECKS.join(" or ")}`);
  const rtmpUrl = v["rtmp-url"];
  if (v["rtmp-stream"] !== undefined && !rtmpUrl) throw new ConfigError(`--rtmp-stream needs --rtmp-url`);
  const timeoutSec = num(v["sip-request-timeout"], "sip-request-timeout", 1, 300);
  const rtmpRetries = num(v["rtmp-retries"], "rtmp-retries", 0, MAX_PUBLISH_RETRIES) ?? DEFAULT_CLI_RTMP_RETRIES;
  if (!Number.isInteger(rtmpRetries)) throw new ConfigError(`--rtmp-retries: expected a whole number`);
  if (v.record !== undefined && v.record.trim() === "") throw new ConfigError(`--record: expected a file path`);
  const rtpTimeoutSec = num(v["rtp-timeout"], "rtp-timeout", 0, 24 * 3600);
  const dtmf = parseDtmfFlags(v.dtmf, v["dtmf-type"], v["dtmf-delay-ms"]);
  const jitterBufferMs = num(v["jitter-buffer-ms"], "jitter-buffer-ms", 0, MAX_JITTER_BUFFER_MS);
  const playAudio = parsePlayAudioFlags(v["play-audio"], v["play-audio-loop"]);
  const limits = parseLimitFlags(v["max-calls"], v["max-outputs-per-call"], v["call-starts-per-second"]);
  const whep = parseWhepFlags(v["to-stream"], v["whep-listen"], v["whep-public-address"], v["whep-port-range"], env);
  return {
    kind: "call",
    options: {
      account: {
        login: given["sip-login"],
        authenticationName: v["sip-authentication-name"],
        password: v["sip-password"] ?? env.SIP_PASSWORD ?? "",
        domain: given["sip-domain"],
        port: num(v["sip-port"], "sip-port", 1, 65535),
        outboundProxy: v["sip-outbound-proxy"],
        transport: transport as SipTransportName,
        registerRequired: bool(v["sip-register-required"], "sip-register-required", true),
        registerExpires: num(v["sip-register-expires"], "sip-register-expires", 30, 86400),
        tlsRejectUnauthorized: !v["tls-allow-self-signed"],
        ...(v["sip-auth-host"] ? { authHosts: v["sip-auth-host"].flatMap((h) => h.split(",")).map((h) => h.trim()).filter((h) => h !== "") } : {}),
        ...(v.srtp !== undefined ? { srtp: parseSrtpMode(v.srtp.toLowerCase(), "--srtp") } : {}),
        ...(v["srtp-over-insecure-transport"] ? { srtpOverInsecureTransport: true } : {}),
      },
      call: {
        callee: given.callee,
        callId: v["call-id"],
        hasAudio: bool(v["has-audio"], "has-audio", true),
        hasVideo: bool(v["has-video"], "has-video", true),
        rtmpUrl,
        rtmpStream: v["rtmp-stream"],
        ...(v.record !== undefined ? { recordPath: v.record } : {}),
        publishRetry: { maxRetries: rtmpRetries },
        ...(v["rtmps-allow-self-signed"] ? { rtmpsAllowSelfSigned: true } : {}),
        ...(v["slate-image"] !== undefined ? { slateImage: v["slate-image"] } : {}),
        ...(v["send-video-slate"] !== undefined ? { sendVideoSlate: v["send-video-slate"] === "black" ? (true as const) : v["send-video-slate"] } : {}),
        // The CLI's outputs are the point of the run: when the last one fails for good, hang up and exit 1.
        endOnPublishFailure: true,
        ...(rtpTimeoutSec === undefined ? {} : { rtpTimeoutMs: Math.round(rtpTimeoutSec * 1000) }),
        ...(jitterBufferMs === undefined ? {} : { jitterBufferMs }),
        ...playAudio,
        ...(whep ? { toStream: whep.stream } : {}),
      },
      durationSec: num(v.duration, "duration", 0.1, 7 * 24 * 3600),
      json: v.json ?? false,
      verbose: v.verbose ?? false,
      ffmpegPath: v.ffmpeg,
      requestTimeoutMs: timeoutSec === undefined ? undefined : Math.round(timeoutSec * 1000),
      rtpPortRange,
      ...(sourceCheck === undefined ? {} : { rtpSourceCheck: sourceCheck }),
      publicAddress: v["sip-public-address"],
      localAddress: v["sip-local-address"],
      ...(v["dns-server"] ? { dnsServers: v["dns-server"].flatMap((h) => h.split(",")).map((h) => h.trim()).filter((h) => h !== "") } : {}),
      ...(dtmf === undefined ? {} : { dtmf }),
      ...(limits === undefined ? {} : { limits }),
      ...(whep === undefined ? {} : { whep }),
    },
  };
}

/** `--max-calls`, `--max-outputs-per-call`, `--call-starts-per-second`: whole numbers within MAX_ENGINE_LIMITS. */
function parseLimitFlags(calls: string | undefined, outputs: string | undefined, starts: string | undefined): EngineLimits | undefined {
  const whole = (value: string | undefined, flag: string, max: number): number | undefined => {
    const n = num(value, flag, 1, max);
    if (n !== undefined && !Number.isInteger(n)) throw new ConfigError(`--${flag}: expected a whole number from 1 to ${max}, got "${value ?? ""}"`);
    return n;
  };
  const limits: EngineLimits = {
    ...optional("maxCalls", whole(calls, "max-calls", MAX_ENGINE_LIMITS.maxCalls)),
    ...optional("maxOutputsPerCall", whole(outputs, "max-outputs-per-call", MAX_ENGINE_LIMITS.maxOutputsPerCall)),
    ...optional("callStartsPerSecond", whole(starts, "call-starts-per-second", MAX_ENGINE_LIMITS.callStartsPerSecond)),
  };
  return Object.keys(limits).length === 0 ? undefined : limits;
}

function optional<K extends string>(key: K, value: number | undefined): Partial<Record<K, number>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, number>);
}

/** `--play-audio FILE [--play-audio-loop true|false]`: checked here so that a typo is a usage error before dialling. */
function parsePlayAudioFlags(file: string | undefined, loop: string | undefined): { playAudio?: string; playAudioLoop?: boolean } {
  if (file === undefined) {
    if (loop !== undefined) throw new ConfigError(`--play-audio-loop needs --play-audio`);
    return {};
  }
  checkAudioFilePath(file, "--play-audio");
  return { playAudio: file, playAudioLoop: bool(loop, "play-audio-loop", false) };
}

function parseDtmfFlags(digits: string | undefined, type: string | undefined, delay: string | undefined): CliDtmf | undefined {
  if (digits === undefined) {
    if (type !== undefined) throw new ConfigError(`--dtmf-type needs --dtmf`);
    if (delay !== undefined) throw new ConfigError(`--dtmf-delay-ms needs --dtmf`);
    return undefined;
  }
  try {
    parseDtmfDigits(digits);
  } catch (error) {
    throw new ConfigError(`--dtmf: ${(error as Error).message.replace(/^dtmf: /, "")}`);
  }
  const t = (type ?? "RFC2833").toUpperCase();
  if (t !== "RFC2833" && t !== "INFO") throw new ConfigError(`--dtmf-type: expected RFC2833 or INFO, got "${type ?? ""}"`);
  return { digits, type: t, delayMs: num(delay, "dtmf-delay-ms", 0, 3_600_000) ?? 0 };
}
