import { ConfigError } from "../../errors";
import { isRtmpUrl, type RecordFormat } from "../../media/output-target";
import { checkText, TEXT_LIMITS } from "../../util/text-fields";

/**
 * An RTMP(S) output: the application URL and the stream name (the CDN's secret key). The one type
 * for an RTMP target, from `CallOptions` (`rtmpUrl`, `rtmpStream`) and `call.publish()` alike.
 */
export interface RtmpOutputTarget {
  rtmpUrl: string;
  rtmpStream?: string;
}

/** A recording of the call to a local file: fragmented MP4 (default) or Matroska. */
export interface RecordOutputTarget {
  recordPath: string;
  /** Default: from the extension (`.mkv` → mkv), else mp4. */
  format?: RecordFormat;
}

/**
 * The URL ffmpeg publishes to: `rtmpUrl/rtmpStream`, or `rtmpUrl` alone when it already holds the
 * stream. The one check of an RTMP target: what it returns is used as is from then on.
 * @throws ConfigError naming the field.
 */
export function rtmpOutputUrl(t: RtmpOutputTarget): string {
  const stream = t.rtmpStream ?? "";
  checkText("rtmpUrl", t.rtmpUrl, TEXT_LIMITS.rtmpUrl);
  checkText("rtmpStream", stream, TEXT_LIMITS.rtmpStream);
  if (!isRtmpUrl(t.rtmpUrl)) throw new ConfigError(`rtmpUrl: expected rtmp://host[:port]/app or rtmps://…`);
  if (/\s/.test(stream)) throw new ConfigError(`rtmpStream: must not contain spaces`);
  return stream ? `${t.rtmpUrl.replace(/\/+$/, "")}/${stream}` : t.rtmpUrl;
}

/** True when the target is a recording. */
export function isRecordTarget(t: object): t is RecordOutputTarget {
  return typeof (t as RecordOutputTarget).recordPath === "string";
}

/** True when the target is an RTMP output (its URL not checked yet). */
export function isRtmpTarget(t: object): t is RtmpOutputTarget {
  return "rtmpUrl" in t && !("recordPath" in t);
}
