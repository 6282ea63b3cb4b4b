import * as path from "node:path";
import { ConfigError, isRtmpUrl } from "../index";

/** A SIP account given in the environment (instead of the embedded test meeting). */
export interface DemoSipAccount {
  login: string;
  authName: string;
  domain: string;
  port: number;
  transport: "udp" | "tcp" | "tls";
  outboundProxy: string;
  registerRequired: boolean;
  localAddress: string;
  publicAddress: string;
  /** Whether SIPCAST_SIP_PASSWORD is set (the password itself stays in the environment). */
  hasPassword: boolean;
}

/** Everything `npm start` can be told, from the environment. */
export interface DemoSettings {
  /** Node-RED (editor, /rest-api, the /sipcast/ page) on 127.0.0.1; 0 = any free port. */
  httpPort: number;
  /** The embedded RTMP server; 0 = any free port. */
  rtmpPort: number;
  /** The embedded RTMP server's HTTP-FLV port (what the page plays); 0 = any free port. */
  flvPort: number;
  /** The embedded test meeting's SIP port (UDP); 0 = any free port. */
  peerSipPort: number;
  /** Node-RED's user directory (flows, settings, context). */
  userDir: string;
  /** Write the demo flow even over flows edited in the editor. */
  resetFlows: boolean;
  /** Node-RED's console log level. */
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace";
  /** A real account, or undefined for the embedded test meeting. */
  account: DemoSipAccount | undefined;
  /** Whom the demo call dials (the test meeting's user when embedded). */
  callee: string;
  /**
   * Where the rtmp-republish node pushes a second copy: SIPCAST_RTMP_URL (the stream key stays in
   * SIPCAST_RTMP_STREAM); undefined = a copy on the embedded server.
   */
  rtmpTargetUrl: string | undefined;
  /** Whether SIPCAST_RTMP_STREAM (the target's stream key) is set; the key itself stays in the environment. */
  rtmpTargetHasStream: boolean;
  /** SIPCAST_DEMO_WHEP_ADDRESS: the IPv4 address WebRTC viewers' media goes out on; "" = every interface. */
  whepAddress: string;
  /**
   * SIPCAST_DEMO_IVR: the embedded test meeting answers like a meeting bridge ({@link DEMO_IVR}): a
   * spoken prompt after 1–10 s, a meeting ID and a passcode, then the meeting. Default false.
   */
  ivr: boolean;
}

/** The test meeting's IVR in the demo (SIPCAST_DEMO_IVR=1), and the plan that joins it. */
export const DEMO_IVR = {
  meetingId: "311705123",
  passcode: "4321",
  firstPromptDelayMs: { min: 1000, max: 10000 },
  plan: "{prompt}311705123#{prompt}4321#{joined}",
} as const;

/** The test meeting's user: `sip:meeting@127.0.0.1:<port>`. */
export const EMBEDDED_CALLEE = "meeting";

type Env = Record<string, string | undefined>;

function port(env: Env, name: string, fallback: number): number {
  const text = env[name]?.trim();
  if (!text) return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 65535) throw new ConfigError(`${name}: expected a port number 0–65535 (0 = any free port), got "${text}"`);
  return n;
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  const text = env[name]?.trim().toLowerCase();
  if (!text) return fallback;
  if (["1", "true", "yes", "on"].includes(text)) return true;
  if (["0", "false", "no", "off"].includes(text)) return false;
  throw new ConfigError(`${name}: expected true or false, got "${env[name]}"`);
}

function text(env: Env, name: string): string {
  return env[name]?.trim() ?? "";
}

/** SIPCAST_DEMO_IVR: only the embedded test meeting has an IVR to turn on. */
function ivrFlag(env: Env, realAccount: boolean): boolean {
  const on = flag(env, "SIPCAST_DEMO_IVR", false);
  if (on && realAccount) throw new ConfigError("SIPCAST_DEMO_IVR: the IVR is the embedded test meeting's; it does not apply with SIPCAST_SIP_DOMAIN (a real account)");
  return on;
}

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace"] as const;

/**
 * Reads the demo's settings. Ports: SIPCAST_DEMO_PORT (1880), SIPCAST_DEMO_RTMP_PORT (1935),
 * SIPCAST_DEMO_FLV_PORT (8000), SIPCAST_DEMO_SIP_PORT (5070). SIPCAST_SIP_DOMAIN switches from the
 * embedded test meeting to a real account (SIPCAST_SIP_LOGIN, SIPCAST_SIP_PASSWORD, SIPCAST_SIP_CALLEE,
 * …); SIPCAST_RTMP_URL + SIPCAST_RTMP_STREAM add a real RTMP target; SIPCAST_DEMO_IVR=1 puts the
 * test meeting in IVR mode.
 * @throws ConfigError naming the variable.
 */
export function demoSettingsFromEnv(env: Env, root: string): DemoSettings {
  const domain = text(env, "SIPCAST_SIP_DOMAIN");
  let account: DemoSipAccount | undefined;
  if (domain) {
    const transport = (text(env, "SIPCAST_SIP_TRANSPORT") || "udp").toLowerCase();
    if (transport !== "udp" && transport !== "tcp" && transport !== "tls") throw new ConfigError(`SIPCAST_SIP_TRANSPORT: expected udp, tcp or tls, got "${transport}"`);
    const login = text(env, "SIPCAST_SIP_LOGIN");
    if (!login) throw new ConfigError("SIPCAST_SIP_LOGIN: required with SIPCAST_SIP_DOMAIN");
    if (!text(env, "SIPCAST_SIP_CALLEE")) throw new ConfigError("SIPCAST_SIP_CALLEE: required with SIPCAST_SIP_DOMAIN (the number or user to dial)");
    account = {
      login,
      authName: text(env, "SIPCAST_SIP_AUTH_NAME"),
      domain,
      port: port(env, "SIPCAST_SIP_PORT", transport === "tls" ? 5061 : 5060),
      transport,
      outboundProxy: text(env, "SIPCAST_SIP_PROXY"),
      registerRequired: flag(env, "SIPCAST_SIP_REGISTER", true),
      localAddress: text(env, "SIPCAST_SIP_LOCAL_ADDRESS"),
      publicAddress: text(env, "SIPCAST_SIP_PUBLIC_ADDRESS"),
      hasPassword: (env.SIPCAST_SIP_PASSWORD ?? "") !== "",
    };
  }
  const rtmpTargetUrl = text(env, "SIPCAST_RTMP_URL") || undefined;
  if (rtmpTargetUrl !== undefined && !isRtmpUrl(rtmpTargetUrl)) throw new ConfigError(`SIPCAST_RTMP_URL: expected rtmp://host[:port]/app or rtmps://…`);
  const logLevel = (text(env, "SIPCAST_DEMO_LOG_LEVEL") || "info").toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) throw new ConfigError(`SIPCAST_DEMO_LOG_LEVEL: expected one of ${LOG_LEVELS.join(", ")}`);
  return {
    httpPort: port(env, "SIPCAST_DEMO_PORT", 1880),
    rtmpPort: port(env, "SIPCAST_DEMO_RTMP_PORT", 1935),
    flvPort: port(env, "SIPCAST_DEMO_FLV_PORT", 8000),
    peerSipPort: port(env, "SIPCAST_DEMO_SIP_PORT", 5070),
    userDir: path.resolve(root, text(env, "SIPCAST_DEMO_USERDIR") || path.join(".run", "demo-userdir")),
    resetFlows: flag(env, "SIPCAST_DEMO_RESET", false),
    logLevel: logLevel as DemoSettings["logLevel"],
    account,
    callee: account ? text(env, "SIPCAST_SIP_CALLEE") : EMBEDDED_CALLEE,
    rtmpTargetUrl,
    rtmpTargetHasStream: rtmpTargetUrl !== undefined && (env.SIPCAST_RTMP_STREAM ?? "") !== "",
    whepAddress: text(env, "SIPCAST_DEMO_WHEP_ADDRESS"),
    ivr: ivrFlag(env, account !== undefined),
  };
}
