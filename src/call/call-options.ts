import { ConfigError } from "../errors";
import { checkText, TEXT_LIMITS } from "../util/text-fields";
import type { RecordFormat } from "../media/output-target";
import type { OutputSettings } from "./output/output-types";

/**
 * What a caller asks for (WCS `/call/startup` field names). The {@link OutputSettings} apply to every
 * output of the call (`call.publish()` may override them per output).
 */
export interface CallOptions extends OutputSettings {
  /** Unique id for this call; generated when absent. */
  callId?: string;
  /** A user at the account's domain (`uas`, `1001`), `user@host`, or a full `sip:` URI. */
  callee: string;
  /** Offer audio (default true). */
  hasAudio?: boolean;
  /** Offer video (default true). */
  hasVideo?: boolean;
  /** RTMP(S) application URL, e.g. `rtmp://a.rtmp.youtube.com/live2`. With `rtmpStream`, publishing starts on answer. */
  rtmpUrl?: string;
  /** Stream name (the CDN's stream key): appended to `rtmpUrl`. */
  rtmpStream?: string;
  /** Record the call from the answer on to this file (fragmented MP4, or Matroska for `.mkv`), output id `record`. */
  recordPath?: string;
  /** Container of `recordPath` (default: from its extension, else mp4). */
  recordFormat?: RecordFormat;
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
   * Reorder/jitter buffer per received stream: how long (ms) to wait for a missing RTP packet before it
   * is given up as lost and the packets held behind it go on to the outputs. In-order packets are not
   * delayed (only a stream's first packet waits this long, once). Default 50; allowed 0..1000
   * (ConfigError otherwise); 0 turns reordering off altogether (ffmpeg's own is always off).
   */
  jitterBufferMs?: number;
  /**
   * Once ESTABLISHED, play this audio file (any format ffmpeg reads) into the call instead of
   * silence, as `call.playAudio()` does; a file that cannot be played is logged, the call goes on.
   */
  playAudio?: string;
  /** With `playAudio`: repeat the file until `stopAudio()` or the end of the call (default false). */
  playAudioLoop?: boolean;
  /** With `playAudio`: the file must be inside this folder (see PlayAudioOptions.mediaRoot). */
  mediaRoot?: string;
  /**
   * Make the call watchable by browsers over WebRTC under this name (WCS `toStream`): from the answer
   * on, WHEP at `{root}sipcast/whep/{toStream}` and the player page at `{root}sipcast/play/{toStream}`
   * (see the engine's `streams`). 1–64 characters of A-Z a-z 0-9 . _ ~ -; unique among live calls.
   */
  toStream?: string;
}

/** An RTMP target: the application URL and the stream name (which is secret on every CDN). */
export interface RtmpTarget {
  rtmpUrl: string;
  rtmpStream: string;
}

/** The URL ffmpeg publishes to: `rtmpUrl/rtmpStream`, or `rtmpUrl` alone when it already holds the stream. */
export function rtmpOutputUrl(t: RtmpTarget): string {
  checkText("rtmpUrl", t.rtmpUrl, TEXT_LIMITS.rtmpUrl);
  checkText("rtmpStream", t.rtmpStream, TEXT_LIMITS.rtmpStream);
  if (!/^rtmps?:\/\/[^/\s]+/i.test(t.rtmpUrl)) throw new ConfigError(`rtmpUrl: expected rtmp://host[:port]/app or rtmps://…`);
  if (/\s/.test(t.rtmpStream)) throw new ConfigError(`rtmpStream: must not contain spaces`);
  return t.rtmpStream ? `${t.rtmpUrl.replace(/\/+$/, "")}/${t.rtmpStream}` : t.rtmpUrl;
}

/** Default of {@link CallOptions.jitterBufferMs}. */
export const DEFAULT_JITTER_BUFFER_MS = 50;

/** Checks a jitterBufferMs option (0..1000, 0 = off) and returns it or the default. @throws ConfigError */
export function checkJitterBufferMs(ms: number | undefined): number {
  if (ms === undefined) return DEFAULT_JITTER_BUFFER_MS;
  if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0 || ms > 1000) {
    throw new ConfigError(`jitterBufferMs: expected 0 (off) to 1000 milliseconds, got ${String(ms)}`);
  }
  return ms;
}

const CALL_ID = /^[\x21-\x7e]+$/;

/** Checks a callId given by a user (printable ASCII, no spaces, at most 128 characters). */
export function checkCallId(id: string): string {
  checkText("callId", id, TEXT_LIMITS.callId);
  if (!CALL_ID.test(id)) throw new ConfigError(`callId: expected 1–${TEXT_LIMITS.callId} printable characters without spaces`);
  return id;
}
