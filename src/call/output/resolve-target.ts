import { existsSync, statSync } from "node:fs";
import { ConfigError } from "../../errors";
import { checkRecordPath, recordFormatOf, type RepublishOutput } from "../../media/output-target";
import { resolveRetryPolicy } from "../../media/retry-policy";
import { checkJitterBufferMs, rtmpOutputUrl, type CallOptions } from "../call-options";
import { checkText, MAX_PATH_LENGTH } from "../../util/text-fields";
import { isRecordTarget, type OutputSettings, type OutputTarget } from "./output-types";

/**
 * Turns what a user asked for into what ffmpeg writes: the full RTMP(S) URL with the TLS settings,
 * or the absolute recording path and its format.
 * @throws ConfigError for a bad URL, stream name, folder or format.
 */
export function resolveTarget(target: OutputTarget, settings: OutputSettings): RepublishOutput {
  if (target === null || typeof target !== "object") throw new ConfigError("publish: expected { rtmpUrl, rtmpStream? } or { recordPath, format? }");
  if (isRecordTarget(target)) {
    if ((target as { rtmpUrl?: unknown }).rtmpUrl !== undefined) throw new ConfigError("publish: give either rtmpUrl or recordPath, not both");
    return { kind: "record", path: checkRecordPath(checkText("recordPath", target.recordPath, MAX_PATH_LENGTH)), format: recordFormatOf(target.recordPath, target.format) };
  }
  if (typeof target.rtmpUrl !== "string") throw new ConfigError("publish: expected { rtmpUrl, rtmpStream? } or { recordPath, format? }");
  const url = rtmpOutputUrl({ rtmpUrl: target.rtmpUrl, rtmpStream: target.rtmpStream ?? "" });
  if (settings.rtmpsCaFile !== undefined) checkText("rtmpsCaFile", settings.rtmpsCaFile, MAX_PATH_LENGTH);
  return {
    kind: "rtmp",
    url,
    tlsVerify: settings.rtmpsAllowSelfSigned !== true,
    ...(settings.rtmpsCaFile ? { caFile: settings.rtmpsCaFile } : {}),
  };
}

/** Checks that an image option names a readable file. @throws ConfigError */
export function checkImage(file: string | undefined, field: string): void {
  if (file === undefined) return;
  checkText(field, file, MAX_PATH_LENGTH);
  if (typeof file !== "string" || file === "" || !existsSync(file) || !statSync(file).isFile()) throw new ConfigError(`${field}: no image file at "${String(file)}"`);
}

/**
 * Validates a call's output-related options before anything is sent (recording folder and format,
 * slate images, retry policy, jitter buffer), so that a typo fails `engine.call()` rather than the answered call.
 * @throws ConfigError
 */
export function checkCallOutputOptions(o: CallOptions): void {
  if (o.recordPath !== undefined) resolveTarget({ recordPath: o.recordPath, format: o.recordFormat }, o);
  checkImage(o.slateImage, "slateImage");
  if (o.sendVideoSlate !== undefined && o.sendVideoSlate !== true) checkImage(o.sendVideoSlate, "sendVideoSlate");
  resolveRetryPolicy(o.publishRetry);
  checkJitterBufferMs(o.jitterBufferMs);
}
