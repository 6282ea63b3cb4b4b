import { CallStatus } from "./call-status";

/**
 * Why a call is in its state. The names follow WCS where it has one; the rest are this engine's own.
 */
export const CallReason = {
  NONE: "",
  NORMAL_CALL_CLEARING: "NORMAL_CALL_CLEARING",
  CANCELLED: "CANCELLED",
  AUTHENTICATION_FAILED: "AUTHENTICATION_FAILED",
  NO_COMMON_CODECS: "NO_COMMON_CODECS",
  FAILED_BY_REQUEST_TIMEOUT: "FAILED_BY_REQUEST_TIMEOUT",
  FAILED_BY_TRANSPORT_ERROR: "FAILED_BY_TRANSPORT_ERROR",
  FAILED_BY_RTMP_WRITER_ERROR: "FAILED_BY_RTMP_WRITER_ERROR",
  FAILED_BY_FFMPEG_ERROR: "FAILED_BY_FFMPEG_ERROR",
  /** An output's published timeline (ffmpeg's out_time and bytes) stood still while RTP kept arriving: it is restarted. */
  OUTPUT_STALLED: "OUTPUT_STALLED",
  FFMPEG_NOT_FOUND: "FFMPEG_NOT_FOUND",
  FAILED_BY_RTP_PORTS: "FAILED_BY_RTP_PORTS",
  /** No RTP of any medium for `rtpTimeoutMs` while the call was up and not on hold. */
  FAILED_BY_RTP_ACTIVITY: "FAILED_BY_RTP_ACTIVITY",
  USER_BUSY: "USER_BUSY",
  NOT_FOUND: "NOT_FOUND",
  DECLINED: "DECLINED",
  TEMPORARILY_UNAVAILABLE: "TEMPORARILY_UNAVAILABLE",
  NOT_ACCEPTABLE: "NOT_ACCEPTABLE",
  /** SRTP was required and the peer answered without a usable key, or rejected the RTP/SAVP offer (488/606). */
  SRTP_REFUSED: "SRTP_REFUSED",
  FAILED_BY_SIP_ERROR: "FAILED_BY_SIP_ERROR",
  ENGINE_CLOSED: "ENGINE_CLOSED",
  INTERNAL_ERROR: "INTERNAL_ERROR",
} as const;
export type CallReason = (typeof CallReason)[keyof typeof CallReason];

/** The final state and reason a failed INVITE (or REGISTER) response code stands for. */
export interface RejectionOutcome {
  status: CallStatus.BUSY | CallStatus.FAILED | CallStatus.FINISH;
  reason: CallReason;
}

/**
 * Maps a final non-2xx SIP response code to the call's final state.
 *
 * @remarks 408 also stands for a transaction timeout: the transports synthesize it when nothing
 * answered in time (RFC 3261 §17.1.1.2 treats Timer B like a 408), and 503 for a transport failure (§8.1.3.1).
 */
export function outcomeOfRejection(code: number): RejectionOutcome {
  switch (code) {
    case 401:
    case 403:
    case 407:
      return { status: CallStatus.FAILED, reason: CallReason.AUTHENTICATION_FAILED };
    case 404:
    case 484:
    case 604:
      return { status: CallStatus.FAILED, reason: CallReason.NOT_FOUND };
    case 408:
      return { status: CallStatus.FAILED, reason: CallReason.FAILED_BY_REQUEST_TIMEOUT };
    case 480:
      return { status: CallStatus.FAILED, reason: CallReason.TEMPORARILY_UNAVAILABLE };
    case 486:
    case 600:
      return { status: CallStatus.BUSY, reason: CallReason.USER_BUSY };
    case 487:
      return { status: CallStatus.FINISH, reason: CallReason.CANCELLED };
    case 488:
    case 606:
      return { status: CallStatus.FAILED, reason: CallReason.NOT_ACCEPTABLE };
    case 503:
      return { status: CallStatus.FAILED, reason: CallReason.FAILED_BY_TRANSPORT_ERROR };
    case 603:
      return { status: CallStatus.FAILED, reason: CallReason.DECLINED };
    default:
      return { status: CallStatus.FAILED, reason: CallReason.FAILED_BY_SIP_ERROR };
  }
}
