import { SipcastError } from "../errors";

/**
 * Why a republish stopped.
 *
 * - `FAILED_BY_RTMP_WRITER_ERROR`: the RTMP(S) side failed (refused, reset, handshake, server error).
 * - `FAILED_BY_FFMPEG_START`: the ffmpeg binary could not be run at all (missing, not executable).
 * - `FAILED_BY_FFMPEG_ERROR`: anything else ffmpeg reported (input, codec, unexpected exit).
 * - `OUTPUT_STALLED`: ffmpeg ran but its published timeline (out_time, bytes written) stood still
 *   while RTP kept arriving (a server that stopped reading, a hung connection).
 * - `OUTPUT_MEDIA_CHANGED`: not a failure: a re-INVITE changed the call's codec (or payload type,
 *   fmtp), so the output was restarted on the new media, its timestamps continuing.
 */
export type MediaErrorReason = "FAILED_BY_RTMP_WRITER_ERROR" | "FAILED_BY_FFMPEG_ERROR" | "FAILED_BY_FFMPEG_START" | "OUTPUT_STALLED" | "OUTPUT_MEDIA_CHANGED";

/** Exit facts attached to a MediaError when a child process ended. */
export interface MediaErrorExit {
  exitCode?: number | null;
  signal?: NodeJS.Signals | null;
}

/**
 * An ffmpeg start-up failure or death. `detail` is one short, already redacted line (never the
 * stream key), suitable for a status text.
 */
export class MediaError extends SipcastError {
  /** Exit code of ffmpeg, when it exited (0 means it ended by itself, e.g. on an RTCP BYE). */
  public readonly exitCode: number | null;
  /** Signal that ended ffmpeg, when one did. */
  public readonly signal: NodeJS.Signals | null;

  constructor(
    public readonly reason: MediaErrorReason,
    public readonly detail: string,
    exit: MediaErrorExit = {},
  ) {
    super(`${reason}: ${detail}`, "MEDIA_ERROR");
    this.exitCode = exit.exitCode ?? null;
    this.signal = exit.signal ?? null;
  }
}
