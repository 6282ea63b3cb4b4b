import { ConfigError } from "../errors";

/** What a caller asks for (WCS `/call/startup` field names). */
export interface CallOptions {
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
  /** End the call when its RTMP output fails (default true). */
  endOnPublishFailure?: boolean;
}

/** An RTMP target: the application URL and the stream name (which is secret on every CDN). */
export interface RtmpTarget {
  rtmpUrl: string;
  rtmpStream: string;
}

/** The URL ffmpeg publishes to: `rtmpUrl/rtmpStream`, or `rtmpUrl` alone when it already holds the stream. */
export function rtmpOutputUrl(t: RtmpTarget): string {
  if (!/^rtmps?:\/\/[^/\s]+/i.test(t.rtmpUrl)) throw new ConfigError(`rtmpUrl: expected rtmp://host[:port]/app or rtmps://…`);
  if (/\s/.test(t.rtmpStream)) throw new ConfigError(`rtmpStream: must not contain spaces`);
  return t.rtmpStream ? `${t.rtmpUrl.replace(/\/+$/, "")}/${t.rtmpStream}` : t.rtmpUrl;
}

const CALL_ID = /^[\x21-\x7e]{1,128}$/;

/** Checks a callId given by a user (printable ASCII, no spaces, at most 128 characters). */
export function checkCallId(id: string): string {
  if (!CALL_ID.test(id)) throw new ConfigError(`callId: expected 1–128 printable characters without spaces`);
  return id;
}
