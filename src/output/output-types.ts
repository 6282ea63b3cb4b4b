import { SipcastError } from "../errors";
import type { RetryPolicy } from "./ffmpeg/retry-policy";
import type { RecordOutputTarget, RtmpOutputTarget } from "./ffmpeg/ffmpeg-targets";
import type { KeyframePolicy } from "./keyframe-scheduler";
import type { WhepOutputTarget } from "./whep/whep-kind";

/**
 * The targets `call.publish()` takes, one entry per output kind (the key is the kind's name). A new
 * kind adds its entry here; the registry (kinds.ts) decides which kind takes a given target.
 */
export interface OutputTargets {
  rtmp: RtmpOutputTarget;
  record: RecordOutputTarget;
  whep: WhepOutputTarget;
}

/** Where `call.publish()` sends the call's media. */
export type OutputTarget = OutputTargets[keyof OutputTargets];

/** What kind an output is: the name of its SinkKind (`rtmp`, `record`, …). */
export type OutputKind = keyof OutputTargets | (string & {});

/**
 * Settings every output of a call shares; `CallOptions` carries them for the call, and
 * `call.publish()` may override them per output. A kind uses those that apply to it.
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

/** `call.publish()` with an id that a live output of the call already has. */
export class DuplicateOutputError extends SipcastError {
  constructor(outputId: string) {
    super(`the call already has an output with id "${outputId}"`, "DUPLICATE_OUTPUT_ID");
  }
}
