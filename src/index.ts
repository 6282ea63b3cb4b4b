/**
 * sipcast: dial SIP calls and republish their audio and video to RTMP/RTMPS.
 * This is the engine's programmatic API; it knows nothing of Node-RED.
 */
export * from "./errors";
export { Engine, DuplicateCallError, type EngineOptions, type EngineEvents } from "./call/engine";
export { Call, type CallEvents, type PlayAudioOptions } from "./call/call";
export { CallStatus, isFinalStatus, isAnswered, canTransition } from "./call/call-status";
export { CallReason, outcomeOfRejection } from "./call/call-reason";
export type { CallStateEvent, PublishEvent, PublishStatus, DtmfEvent } from "./call/call-event";
export { DtmfError, type DtmfOptions, type DtmfType, type DtmfDigit } from "./dtmf";
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
export { resolveAccount, type SipAccountOptions, type ResolvedAccount, type SipTransportName } from "./sip/account-options";
export { SRTP_MODES, SRTP_SUITES, parseSrtpMode, maskSdpKeys, type SrtpMode, type SrtpSuite } from "./srtp";
export type { RegistrationResult, RegistrationStatus } from "./sip/sip-endpoint";
export { locateFfmpeg, MediaError, type MediaErrorReason } from "./media";
export type { PortRange } from "./rtp";
export { streamLogger, silentLogger, redactRtmpUrl, type Logger, type LogLevel } from "./util/logger";
export * from "./demo";
export * from "./wcs";
