/**
 * The ffmpeg side: find the binary, build its arguments, run it as a supervised child, and
 * republish a call's forwarded RTP (described by an SDP file) as FLV to RTMP(S) or to a
 * recording; send a slate picture into the call, and
 * decode an audio file into the call's codec (AudioFilePlayer).
 */
export { classifyFfmpegStderr, isHarmlessFfmpegLine, type FfmpegFailureClass } from "./classify-ffmpeg-failure";
export { ffmpegSupportsSdpLocalAddr } from "./ffmpeg-capabilities";
export { FfmpegProcess, type FfmpegProcessEvents, type FfmpegProcessOptions } from "./ffmpeg-process";
export { FfmpegProgressParser, progressShowsOutput, type FfmpegProgress } from "./ffmpeg-progress";
export { DEFAULT_FFMPEG_PORT_RANGE, findFreeUdpPortPairs, type PortRange } from "./free-udp-ports";
export { locateFfmpeg, type FfmpegSource, type LocateFfmpegOptions, type LocatedFfmpeg } from "./locate-ffmpeg";
export { MediaError, type MediaErrorExit, type MediaErrorReason } from "./media-error";
export { buildRepublishArgs, type GeneratedVideo, type RepublishArgsOptions } from "./republish-args";
export {
  Republisher,
  type RepublisherEvents,
  type RepublisherJSON,
  type RepublisherOptions,
  type RepublisherPorts,
  type RepublisherState,
} from "./republisher";
export { parseUdpTable, readBoundUdpPorts, waitForUdpPortsBound, type PollTimers, type WaitForUdpPortsOptions } from "./udp-port-table";
export { makeUrlRedactor } from "./url-redactor";
export { KeyframeGate, keyframeDetectorFor } from "./keyframe-gate";
export { isVp8KeyframeStart } from "./vp8-keyframe";
export {
  checkRecordPath,
  describeOutput,
  isRtmpUrl,
  freeRecordPath,
  recordFormatOf,
  type RecordFormat,
  type RecordOutput,
  type RepublishOutput,
  type RtmpOutput,
} from "./output-target";
export { DEFAULT_STALL_TIMEOUT_MS, MAX_STALL_TIMEOUT_MS, STALL_START_ALLOWANCE_MS, StallWatch, resolveStallTimeoutMs, type StallSample, type StallWatchOptions } from "./stall-watch";
export { VideoSlateSender, buildSlateArgs, type RtpSink, type VideoSlateSenderJson, type VideoSlateSenderOptions } from "./video-slate-sender";
export { AudioFilePlayer, type AudioFilePlayerJson, type AudioFilePlayerOptions } from "./audio-file-player";
export { audioFileFormat, buildAudioFileArgs, AUDIO_FILE_CODECS, type AudioFileFormat } from "./audio-file-format";
export { checkAudioFilePath } from "./audio-file-path";
export { resolveMediaFile } from "./media-folder";
export { removeStaleTempDirs, writePrivateTempFile, type PrivateTempFile } from "./private-temp-file";
export { canTieChildren, tiedToThisProcess, type ChildCommand } from "./parent-death";
