import { ConfigError } from "../index";

/**
 * The engine's option names (as its ConfigError messages begin: `callee: …`, `limits.maxCalls: …`)
 * → the flag a CLI user typed for them. Every option the CLI hands to the engine and the engine
 * checks is here. Left out on purpose: `rtpTimeoutMs` and `requestTimeoutMs`, which the CLI takes
 * in seconds (an engine text in milliseconds would name the wrong unit) and checks itself, so the
 * engine never refuses them.
 */
export const ENGINE_FIELD_FLAGS: Readonly<Record<string, string>> = Object.freeze({
  login: "--sip-login",
  authenticationName: "--sip-authentication-name",
  domain: "--sip-domain",
  port: "--sip-port",
  outboundProxy: "--sip-outbound-proxy",
  transport: "--sip-transport",
  registerExpires: "--sip-register-expires",
  authHosts: "--sip-auth-host",
  dnsServers: "--dns-server",
  srtp: "--srtp",
  srtpOverInsecureTransport: "--srtp-over-insecure-transport",
  callee: "--callee",
  callId: "--call-id",
  rtmpUrl: "--rtmp-url",
  rtmpStream: "--rtmp-stream",
  "retry.maxRetries": "--rtmp-retries",
  recordPath: "--record",
  slateImage: "--slate-image",
  sendVideoSlate: "--send-video-slate",
  playAudio: "--play-audio",
  playAudioLoop: "--play-audio-loop",
  jitterBufferMs: "--jitter-buffer-ms",
  rtpPortRange: "--rtp-port-range",
  rtpSourceCheck: "--rtp-source-check",
  ffmpegPath: "--ffmpeg",
  dtmf: "--dtmf",
  "limits.maxCalls": "--max-calls",
  "limits.maxOutputsPerCall": "--max-outputs-per-call",
  "limits.callStartsPerSecond": "--call-starts-per-second",
});

/**
 * The engine's message in the CLI user's words: the leading option name becomes its flag, and an
 * option named later in the text (`… or set srtpOverInsecureTransport: true`) becomes its flag too.
 * A message that names no option of the table is returned as it is.
 */
export function inFlagWords(message: string): string {
  const lead = /^([A-Za-z][A-Za-z.]*):/.exec(message);
  const head = lead && Object.hasOwn(ENGINE_FIELD_FLAGS, lead[1]) ? `${ENGINE_FIELD_FLAGS[lead[1]]}${message.slice(lead[1].length)}` : message;
  // Later mentions: only camelCase names, which cannot be ordinary words of the text ("port", "domain"),
  // and never inside a quoted value the message repeats (a callee may be spelt like an option).
  return head
    .split(/("(?:[^"\\]|\\.)*")/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/\b([a-z]+[A-Z][A-Za-z]*)(: true)?/g, (whole, name: string) => (Object.hasOwn(ENGINE_FIELD_FLAGS, name) ? ENGINE_FIELD_FLAGS[name] : whole))))
    .join("");
}

/** A ConfigError from the engine, re-worded with the flags the user typed. */
export function flagConfigError(error: ConfigError): ConfigError {
  return new ConfigError(inFlagWords(error.message));
}
