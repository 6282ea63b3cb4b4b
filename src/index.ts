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
export type { CallOptions } from "./call/call-options";
export {
  DuplicateOutputError,
  rtmpOutputUrl,
  DEFAULT_JITTER_BUFFER_MS,
  MAX_JITTER_BUFFER_MS,
  MAX_PUBLISH_RETRIES,
  KEYFRAME_REQUEST_MIN_GAP_MS,
  SinkRegistry,
  type CallOutputOptions,
  type KeyframePolicy,
  type OutputKind,
  type OutputReason,
  type OutputSettings,
  type OutputSnapshot,
  type OutputStats,
  type OutputTarget,
  type OutputTargets,
  type PublishOptions,
  type RecordOutputTarget,
  type RetryPolicy,
  type RtmpOutputTarget,
  type Sink,
  type SinkContext,
  type SinkEvents,
  type SinkKind,
  type SinkSettings,
  type ReceiveChannel,
} from "./output";
export type { RecordFormat } from "./media";
export { DEFAULT_STALL_TIMEOUT_MS, MAX_STALL_TIMEOUT_MS } from "./media";
export { resolveAccount, MAX_AUTH_HOSTS, type SipAccountOptions, type ResolvedAccount, type SipTransportName } from "./sip/account-options";
export { MAX_DNS_SERVERS, checkDnsServers } from "./sip/locate/dns-lookup";
export { SRTP_MODES, SRTP_SUITES, parseSrtpMode, maskSdpKeys, type SrtpMode, type SrtpSuite } from "./srtp";
export type { RegistrationResult, RegistrationStatus } from "./sip/sip-endpoint";
export { locateFfmpeg, resolveMediaFile, checkAudioFilePath, isRtmpUrl, MediaError, type MediaErrorReason } from "./media";
/**
 * The ffmpeg command line the engine runs, for those who run it themselves (the benchmark's bare
 * ffmpeg baseline does): the input SDP file ffmpeg reads the call's RTP from, the argv that
 * republishes it, whether this ffmpeg build can bind its input to one address, free UDP port pairs
 * for the input (RTCP at port + 1) and a wait until ffmpeg has bound them. Pure or self-contained:
 * none of them needs an Engine.
 */
export { buildRepublishArgs, type RepublishArgsOptions, type GeneratedVideo } from "./media/republish-args";
export type { RepublishOutput } from "./media/output-target";
export { ffmpegSupportsSdpLocalAddr } from "./media/ffmpeg-capabilities";
export { findFreeUdpPortPairs, DEFAULT_FFMPEG_PORT_RANGE } from "./media/free-udp-ports";
export { waitForUdpPortsBound } from "./media/udp-port-table";
export { ffmpegInputSdp } from "./sdp/ffmpeg-input-sdp";
export type { NegotiatedMedia, NegotiatedStream, RtcpFeedback } from "./sdp/negotiated-types";
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
export * from "./wcs";
export { parseAuthorization, sameSecret, type GivenCredential } from "./util/http-authorization";
export { readCappedText } from "./util/read-capped-text";
export {
  StreamRegistry,
  checkStreamName,
  DEFAULT_MAX_VIEWERS,
  MAX_MAX_VIEWERS,
  handleWhepRequest,
  MAX_WHEP_OFFER_BYTES,
  WHEP_PATH,
  PLAYER_PATH,
  whepRoute,
  WhepError,
  DEFAULT_ICE_TIMEOUT_MS,
  MAX_ICE_TIMEOUT_MS,
  resolveWhepNetwork,
  type StreamRegistryOptions,
  type StreamJson,
  type WhepAccess,
  type WhepHandlerOptions,
  type WhepNetworkOptions,
  type WhepViewerJson,
  type WhepRoute,
  type WhepOutputTarget,
} from "./output/whep";
