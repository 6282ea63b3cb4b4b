import { ConfigError } from "../errors";
import { checkText, TEXT_LIMITS } from "../util/text-fields";
import type { CallOutputOptions } from "../output/call-output-options";

/**
 * What a caller asks for (WCS `/call/startup` field names). The output options (`rtmpUrl`,
 * `recordPath`, the OutputSettings) apply to every output of the call (`call.publish()` may override
 * the settings per output).
 */
export interface CallOptions extends CallOutputOptions {
  /** Unique id for this call; generated when absent. */
  callId?: string;
  /** A user at the account's domain (`uas`, `1001`), `user@host`, or a full `sip:` URI. */
  callee: string;
  /** Offer audio (default true). */
  hasAudio?: boolean;
  /** Offer video (default true). */
  hasVideo?: boolean;
  /**
   * Send video to the peer once answered: this still image (PNG, JPEG…), or black frames for `true`
   * (WCS `generate_av_for_ua`). Encoded by ffmpeg to the negotiated H.264 or VP8.
   */
  sendVideoSlate?: string | true;
  /**
   * End the call (BYE, FAILED with the output's reason) when an output has failed for good — after
   * its reconnect attempts — and no other output of the call is still running. Default false:
   * outputs reconnect by themselves and may be added or removed mid-call, so a dead output is
   * reported (`publish` FAILED) without hanging up the phone call.
   */
  endOnPublishFailure?: boolean;
  /**
   * Hang up (BYE, FAILED with FAILED_BY_RTP_ACTIVITY) when no RTP of any medium came for this long while
   * the call is up and not on hold. Default: the engine's `rtpTimeoutMs` (30000); 0 turns it off.
   */
  rtpTimeoutMs?: number;
  /**
   * Once ESTABLISHED, play this audio file (any format ffmpeg reads) into the call instead of
   * silence, as `call.playAudio()` does; a file that cannot be played is logged, the call goes on.
   */
  playAudio?: string;
  /** With `playAudio`: repeat the file until `stopAudio()` or the end of the call (default false). */
  playAudioLoop?: boolean;
  /** With `playAudio`: the file must be inside this folder (see PlayAudioOptions.mediaRoot). */
  mediaRoot?: string;
}

const CALL_ID = /^[\x21-\x7e]+$/;

/** Checks a callId given by a user (printable ASCII, no spaces, at most 128 characters). */
export function checkCallId(id: string): string {
  checkText("callId", id, TEXT_LIMITS.callId);
  if (!CALL_ID.test(id)) throw new ConfigError(`callId: expected 1–${TEXT_LIMITS.callId} printable characters without spaces`);
  return id;
}
