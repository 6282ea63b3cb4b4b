/**
 * The ffmpeg side: find the binary, build its arguments, run it as a supervised child, and
 * republish a call's forwarded RTP (described by an SDP file) as FLV to RTMP(S).
 */
export { classifyFfmpegStderr, isHarmlessFfmpegLine, type FfmpegFailureClass } from "./classify-ffmpeg-failure";
export { ffmpegSupportsSdpLocalAddr } from "./ffmpeg-capabilities";
export { FfmpegProcess, type FfmpegProcessEvents, type FfmpegProcessOptions } from "./ffmpeg-process";
export { FfmpegProgressParser, progressShowsOutput, type FfmpegProgress } from "./ffmpeg-progress";
export { DEFAULT_FFMPEG_PORT_RANGE, findFreeUdpPortPairs, type PortRange } from "./free-udp-ports";
export { locateFfmpeg, type FfmpegSource, type LocateFfmpegOptions, type LocatedFfmpeg } from "./locate-ffmpeg";
export { MediaError, type MediaErrorExit, type MediaErrorReason } from "./media-error";
export { buildRepublishArgs, type RepublishArgsOptions } from "./republish-args";
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
