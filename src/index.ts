/**
 * sipcast: dial SIP calls and republish their audio and video to RTMP/RTMPS.
 * This is the engine's programmatic API; it knows nothing of Node-RED.
 */
export * from "./errors";
export { Engine, DuplicateCallError, type EngineOptions, type EngineEvents } from "./call/engine";
export {
  CallAdmission,
  DEFAULT_ENGINE_LIMITS,
  MAX_ENGINE_LIMITS,
  LimitError,
  resolveEngineLimits,
  type EngineLimits,
  type ResolvedEngineLimits,
} from "./call/engine-limits";
export { TEXT_LIMITS, MAX_PATH_LENGTH, checkText } from "./util/text-fields";
export { Call, type CallEvents, type PlayAudioOptions, type SendDtmfHandlers } from "./call/call";
export { CallStatus, isFinalStatus, isAnswered, canTransition } from "./call/call-status";
export { CallReason, outcomeOfRejection } from "./call/call-reason";
export type { CallStateEvent, PublishEvent, PublishStatus, DtmfEvent, IvrEvent } from "./call/call-event";
export { DtmfError, MAX_DTMF_KEYS, MAX_PENDING_DTMF_SEQUENCES, type DtmfOptions, type DtmfType, type DtmfDigit } from "./dtmf";
export {
  IvrWaitError,
  IVR_WAIT_DEFAULT_SEC,
  MAX_DTMF_PLAN_LENGTH,
  MAX_DTMF_WAITS,
  MAX_IVR_RETRIES,
  MAX_IVR_WAIT_SEC,
  DTMF_DEFAULTS,
  parseDtmfDigits,
  dtmfPlanListens,
  type IvrFailure,
  type IvrOutcome,
  type IvrProgress,
  type IvrWait,
  type IvrWaitKind,
} from "./dtmf";
export { rtmpOutputUrl, type CallOptions, type RtmpTarget } from "./call/call-options";
export {
  DuplicateOutputError,
  type OutputKind,
  type OutputSettings,
  type OutputSnapshot,
  type OutputStats,
  type OutputTarget,
  type PublishOptions,
  type RecordOutputTarget,
  type RtmpOutputTarget,
} from "./call/output/output-types";
export type { KeyframePolicy } from "./call/output/keyframe-scheduler";
export type { RetryPolicy, RecordFormat } from "./media";
export { DEFAULT_STALL_TIMEOUT_MS, MAX_PUBLISH_RETRIES, MAX_STALL_TIMEOUT_MS } from "./media";
export { resolveAccount, MAX_AUTH_HOSTS, type SipAccountOptions, type ResolvedAccount, type SipTransportName } from "./sip/account-options";
export { SRTP_MODES, SRTP_SUITES, parseSrtpMode, maskSdpKeys, type SrtpMode, type SrtpSuite } from "./srtp";
export type { RegistrationResult, RegistrationStatus } from "./sip/sip-endpoint";
export { locateFfmpeg, resolveMediaFile, MediaError, type MediaErrorReason } from "./media";
export type { PortRange } from "./rtp";
export {
  RTP_SOURCE_CHECKS,
  DEFAULT_RTP_SOURCE_CHECK,
  RTP_LEARN_PACKETS,
  isRtpSourceCheck,
  type RtpSourceCheck,
  MAX_PENDING_BYTES_BEFORE_REMOTE,
  MAX_FORWARDER_QUEUE_BYTES,
} from "./rtp";
export { streamLogger, silentLogger, redactRtmpUrl, type Logger, type LogLevel } from "./util/logger";
export { escapeLogText, escapingLogger } from "./util/log-text";
export { RepeatLimiter, REPEAT_LIMIT_DEFAULTS, type RepeatLimitOptions } from "./util/repeat-limiter";
export * from "./demo";
export * from "./wcs";
export { parseAuthorization, sameSecret, type GivenCredential } from "./util/http-authorization";
