import { maskSdpKeys } from "../srtp/mask-sdp-keys";
import { escapeLogText } from "../util/log-text";
import type { Logger } from "../util/logger";

/** What an SDP written to the log was: who made it and its part in the offer/answer exchange (RFC 3264). */
export type SdpExchange = "offer sent" | "answer received" | "offer received" | "answer sent" | "early SDP received";

/** Longer SDP is cut in the log (a peer decides how long its SDP is; a log line should stay readable). */
export const MAX_LOGGED_SDP_CHARS = 8192;

/**
 * Writes one SDP to the log at debug level (what `--verbose` and Node-RED's debug log show): the
 * offer and answer are what interop problems are debugged with. One entry per SDP, its line breaks
 * written as `\r\n`; SRTP keys masked (`inline:***`); control characters escaped even when the
 * logger does not do it itself.
 */
export function logSdp(logger: Logger, label: string, exchange: SdpExchange, sdp: string): void {
  logger.log("debug", "sip.sdp", `${label}: ${exchange}: ${sdpForLog(sdp)}`);
}

/** The SDP as {@link logSdp} writes it. */
export function sdpForLog(sdp: string): string {
  const masked = maskSdpKeys(sdp);
  const cut = masked.length > MAX_LOGGED_SDP_CHARS ? `${masked.slice(0, MAX_LOGGED_SDP_CHARS)}… (${masked.length - MAX_LOGGED_SDP_CHARS} more characters)` : masked;
  return escapeLogText(cut);
}
