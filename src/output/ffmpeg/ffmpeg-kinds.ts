import { ConfigError } from "../../errors";
import { checkRecordPath, recordFormatOf, type RecordOutput, type RepublishOutput, type RtmpOutput } from "../../media/output-target";
import { resolveStallTimeoutMs } from "../../media/stall-watch";
import { checkText, MAX_PATH_LENGTH } from "../../util/text-fields";
import { checkImage } from "../check-image";
import type { OutputSettings } from "../output-types";
import type { Sink, SinkContext, SinkKind, SinkSettings } from "../sink";
import { FfmpegSink } from "./ffmpeg-sink";
import { isRecordTarget, isRtmpTarget, rtmpOutputUrl } from "./ffmpeg-targets";
import { resolveRetryPolicy } from "./retry-policy";

const SHAPES = "publish: expected { rtmpUrl, rtmpStream? } or { recordPath, format? }";

/**
 * Turns what a user asked for into what ffmpeg writes: the full RTMP(S) URL with the TLS settings,
 * or the absolute recording path and its format.
 * @throws ConfigError for a bad URL, stream name, folder or format.
 */
export function resolveTarget(target: object, settings: OutputSettings): RepublishOutput {
  if (target === null || typeof target !== "object") throw new ConfigError(SHAPES);
  if (isRecordTarget(target)) {
    if ((target as { rtmpUrl?: unknown }).rtmpUrl !== undefined) throw new ConfigError("publish: give either rtmpUrl or recordPath, not both");
    return { kind: "record", path: checkRecordPath(checkText("recordPath", target.recordPath, MAX_PATH_LENGTH)), format: recordFormatOf(target.recordPath, target.format) };
  }
  const rtmp = target as { rtmpUrl?: unknown; rtmpStream?: unknown };
  if (typeof rtmp.rtmpUrl !== "string") throw new ConfigError(SHAPES);
  const url = rtmpOutputUrl({ rtmpUrl: rtmp.rtmpUrl, rtmpStream: rtmp.rtmpStream as string | undefined });
  if (settings.rtmpsCaFile !== undefined) checkText("rtmpsCaFile", settings.rtmpsCaFile, MAX_PATH_LENGTH);
  return {
    kind: "rtmp",
    url,
    tlsVerify: settings.rtmpsAllowSelfSigned !== true,
    ...(settings.rtmpsCaFile ? { caFile: settings.rtmpsCaFile } : {}),
  };
}

/** Checks the settings an ffmpeg output uses (slate image, retry policy, stall timeout). @throws ConfigError */
function checkFfmpegSettings(settings: OutputSettings): void {
  checkImage(settings.slateImage, "slateImage");
  resolveRetryPolicy(settings.publishRetry);
  resolveStallTimeoutMs(settings.publishStallTimeoutMs);
}

/** What the ffmpeg kinds need from the engine. */
export interface FfmpegKindDeps {
  /** The ffmpeg binary (throws FfmpegNotFoundError naming every place tried). */
  resolveFfmpeg: () => string;
}

function ffmpegKind<R extends RepublishOutput>(kind: R["kind"], shape: string, accepts: (t: object) => boolean, deps: FfmpegKindDeps): SinkKind<R> {
  return {
    kind,
    shape,
    accepts,
    resolve(target: object, settings: OutputSettings): R {
      const output = resolveTarget(target, settings);
      checkFfmpegSettings(settings);
      return output as R;
    },
    checkSettings: checkFfmpegSettings,
    preflight(): void {
      deps.resolveFfmpeg();
    },
    create(output: R, settings: SinkSettings, ctx: SinkContext): Sink {
      return new FfmpegSink({
        output,
        ffmpegPath: deps.resolveFfmpeg(),
        retry: resolveRetryPolicy(settings.publishRetry),
        stallTimeoutMs: resolveStallTimeoutMs(settings.publishStallTimeoutMs),
        statsIntervalMs: settings.publishStatsIntervalMs,
        slateImage: settings.slateImage,
        keyframes: settings.keyframes,
        jitterBufferMs: settings.jitterBufferMs,
        ctx,
      });
    },
  };
}

/** RTMP(S) publishing through ffmpeg: `{ rtmpUrl, rtmpStream? }`. */
export const rtmpKind = (deps: FfmpegKindDeps): SinkKind<RtmpOutput> => ffmpegKind<RtmpOutput>("rtmp", "{ rtmpUrl, rtmpStream? }", isRtmpTarget, deps);

/** A recording to a local file through ffmpeg: `{ recordPath, format? }`. */
export const recordKind = (deps: FfmpegKindDeps): SinkKind<RecordOutput> => ffmpegKind<RecordOutput>("record", "{ recordPath, format? }", isRecordTarget, deps);
