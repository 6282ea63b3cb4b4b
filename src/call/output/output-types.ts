import { SipcastError } from "../../errors";
import type { RecordFormat } from "../../media/output-target";
import type { RetryPolicy } from "../../media/retry-policy";
import type { PublishStatus } from "../call-event";
import type { KeyframePolicy } from "./keyframe-scheduler";

/** An RTMP(S) output: the application URL and the stream name (the CDN's secret key). */
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

/** Where `call.publish()` sends the call's media. */
export type OutputTarget = RtmpOutputTarget | RecordOutputTarget;

/** What kind an output is. */
export type OutputKind = "rtmp" | "record";

/**
 * Settings every output of a call shares; `CallOptions` carries them for the call, and
 * `call.publish()` may override them per output.
 */
export interface OutputSettings {
  /** How an output that stops is restarted (default 8 retries, 1 s doubling to 30 s). */
  publishRetry?: Partial<RetryPolicy>;
  /**
   * Restart an output whose published timeline (ffmpeg's out_time and bytes written) stands still
   * this long while RTP comes in, reported as OUTPUT_STALLED (default 5000 ms; 0 = off; at most 600000).
   */
  publishStallTimeoutMs?: number;
  /**
   * Accept an RTMPS server's certificate without checking it (ffmpeg `-tls_verify 0`), e.g. a
   * self-signed test server. Default false: checked against the system's trust store (or `rtmpsCaFile`).
   */
  rtmpsAllowSelfSigned?: boolean;
  /** PEM file of a CA to trust for RTMPS, instead of the system's store. */
  rtmpsCaFile?: string;
  /** Still image shown as the video of a call that has none (default: black frames). */
  slateImage?: string;
  /** When to ask the peer for keyframes (PLI + FIR, SIP INFO fallback). */
  keyframes?: Partial<KeyframePolicy>;
  /** How often a PUBLISHING output reports its stats in a `publish` event (default 5000 ms; 0 = never). */
  publishStatsIntervalMs?: number;
}

/** Options of `call.publish()`. */
export interface PublishOptions extends OutputSettings {
  /** The output's id (unique among the call's live outputs); default `out-<n>`. */
  id?: string;
}

/** ffmpeg's figures for an output, from its `-progress` reports (0 where ffmpeg reports N/A). */
export interface OutputStats {
  bitrateKbps: number;
  /** Video frames per second written (0 without video). */
  fps: number;
  /** Media time written so far (of the current attempt). */
  outTimeMs: number;
}

/** One output as `call.outputs()` reports it. */
export interface OutputSnapshot {
  id: string;
  kind: OutputKind;
  status: PublishStatus;
  /** The RTMP URL with its stream key hidden, or the recording's path. */
  target: string;
  /** Epoch ms of the last status change. */
  since: number;
  /** Restarts so far. */
  reconnects: number;
  stats?: OutputStats;
  /** Files a recording wrote (a restart continues in `name-2.ext`, …). */
  files?: string[];
  /** ms from the output's (last) start until the first video keyframe went to ffmpeg. */
  firstKeyframeMs?: number;
}

/** `call.publish()` with an id that a live output of the call already has. */
export class DuplicateOutputError extends SipcastError {
  constructor(outputId: string) {
    super(`the call already has an output with id "${outputId}"`, "DUPLICATE_OUTPUT_ID");
  }
}

/** True when the target is a recording. */
export function isRecordTarget(t: OutputTarget): t is RecordOutputTarget {
  return typeof (t as RecordOutputTarget).recordPath === "string";
}
