import type { MediaErrorReason } from "./media-error";

/** What the stderr tail says about why ffmpeg stopped. */
export interface FfmpegFailureClass {
  reason: MediaErrorReason;
  /** The most telling stderr line (as given, i.e. already redacted), if any. */
  line: string | undefined;
}

/** Network failures that, on an output line, mean the RTMP(S) server side failed. */
const NETWORK_PATTERNS: readonly RegExp[] = [
  /connection refused/i,
  /server error/i,
  /input\/output error/i,
  /broken pipe/i,
  /connection reset/i,
  /handshake/i,
  /cannot open connection/i,
  /failed to resolve hostname/i,
  /name or service not known/i,
  /no route to host/i,
  /network is unreachable/i,
  /error in the (?:pull|push) function/i,
  /tls connection was non-properly terminated/i,
];

/** gnutls/openssl through ffmpeg: "[tls @ …] Peer certificate failed verification", "…certificate verify failed". */
const TLS_CERTIFICATE = /\[tls @[^\]]*\].*(certificate|verif)/i;
/** Lines that name the RTMP/TLS/TCP output, so that any error on them is the writer's. */
const OUTPUT_CONTEXT = /\[(?:rtmps?|rtmpt|tcp|tls) @|rtmps?:\/\//i;
const ERRORISH = /error|failed|unable|cannot|could not|timed out|invalid|not /i;
/**
 * Lines about the input side (the SDP file, RTP/UDP demuxing). Without this, ffmpeg's own
 * "x.sdp: Connection timed out" (10 s without input) would read as an RTMP failure.
 */
const INPUT_CONTEXT = /\.sdp\b|\[(?:sdp|rtp|udp|rtsp) @/i;
/**
 * Warnings seen on every healthy republish: the FLV header cannot be rewritten on a live
 * output ("Failed to update header with correct filesize" ends every RTMP run of ffmpeg 5.1 and
 * means nothing), and RTP's first H.264 packets arrive before a timestamp is known.
 */
const HARMLESS: readonly RegExp[] = [/failed to update header with correct filesize/i, /timestamps are unset in a packet/i];
/** Follow-up and hint lines that never say what went wrong, and the harmless warnings. */
const NOT_A_CAUSE: readonly RegExp[] = [
  /^conversion failed!?$/i,
  /^consider increasing the value/i,
  /^exiting normally/i,
  /last message repeated/i,
  ...HARMLESS,
];

/** True for stderr lines that must not be reported as an error (logged at debug level). */
export function isHarmlessFfmpegLine(line: string): boolean {
  return HARMLESS.some((re) => re.test(line));
}

/**
 * Classifies an ffmpeg exit from the last lines of its stderr.
 *
 * @remarks
 * An RTMP-side line anywhere in the tail wins over later generic lines ("Conversion failed!").
 * Otherwise the last line that is not a hint or follow-up is taken as the cause.
 */
export function classifyFfmpegStderr(tail: readonly string[]): FfmpegFailureClass {
  const lines = tail.map((l) => l.trim()).filter((l) => l.length > 0);
  // A refused TLS certificate is followed by a bare "Input/output error": the certificate line says why.
  const certificate = lines.find((l) => TLS_CERTIFICATE.test(l));
  if (certificate) return { reason: "FAILED_BY_RTMP_WRITER_ERROR", line: shortenLine(certificate) };
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!;
    if (INPUT_CONTEXT.test(line) || NOT_A_CAUSE.some((re) => re.test(line))) continue;
    const network = NETWORK_PATTERNS.some((re) => re.test(line));
    const onOutput = OUTPUT_CONTEXT.test(line) && ERRORISH.test(line);
    const unknownOnOutput = /unknown error/i.test(line) && OUTPUT_CONTEXT.test(line);
    if (network || onOutput || unknownOnOutput) {
      return { reason: "FAILED_BY_RTMP_WRITER_ERROR", line: shortenLine(line) };
    }
  }
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!;
    if (NOT_A_CAUSE.some((re) => re.test(line))) continue;
    return { reason: "FAILED_BY_FFMPEG_ERROR", line: shortenLine(line) };
  }
  return { reason: "FAILED_BY_FFMPEG_ERROR", line: undefined };
}

/** Spawn errors that mean the binary itself cannot be run. */
export function isStartError(error: NodeJS.ErrnoException): boolean {
  return error.code === "ENOENT" || error.code === "EACCES" || error.code === "EPERM" || error.code === "ENOEXEC";
}

/** Drops ffmpeg's `@ 0x55…` context pointers (noise in a status text) and caps the length. */
export function shortenLine(line: string, max = 200): string {
  const s = line.replace(/\[(\w+) @ 0x[0-9a-f]+\]/gi, "[$1]").trim();
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
