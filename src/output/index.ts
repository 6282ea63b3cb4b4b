/**
 * The call's outputs: one {@link Sink} per output, made by the {@link SinkKind} that takes its target
 * (kinds.ts lists them); the ffmpeg RTMP/record kinds live in `ffmpeg/`.
 */
export type { OutputReason, OutputSnapshot, OutputStats, PublishStatus, ReceiveChannel, Sink, SinkContext, SinkEvents, SinkKind, SinkSettings } from "./sink";
export { SinkRegistry, type ResolvedTarget } from "./sink-registry";
export { defaultSinkKinds, type SinkKindDeps } from "./kinds";
export { CallOutputs, type CallOutputsOptions, type OutputEvent, type OutputMedia } from "./call-outputs";
export { checkCallOutputOptions, type CallOutputOptions, type CheckedCallOutputs, type InitialOutput } from "./call-output-options";
export { DuplicateOutputError, type OutputKind, type OutputSettings, type OutputTarget, type OutputTargets, type PublishOptions } from "./output-types";
export { DEFAULT_JITTER_BUFFER_MS, MAX_JITTER_BUFFER_MS, checkJitterBufferMs } from "./jitter-option";
export { KEYFRAME_REQUEST_MIN_GAP_MS, KeyframeRequestLimiter } from "./keyframe-request-limiter";
export { DEFAULT_KEYFRAME_POLICY, KeyframeScheduler, type KeyframePolicy } from "./keyframe-scheduler";
export { rtmpOutputUrl, type RecordOutputTarget, type RtmpOutputTarget } from "./ffmpeg/ffmpeg-targets";
export { DEFAULT_RETRY_POLICY, MAX_PUBLISH_RETRIES, backoffDelayMs, resolveRetryPolicy, type RetryPolicy } from "./ffmpeg/retry-policy";
