import { ConfigError } from "../errors";

/** What one republish reads and writes. */
export interface RepublishArgsOptions {
  /** SDP file describing the RTP ffmpeg receives (on 127.0.0.1). */
  sdpPath: string;
  /** `rtmp://…` or `rtmps://…` target, stream key included. */
  outputUrl: string;
  hasAudio: boolean;
  hasVideo: boolean;
  /** Encoding name of the incoming video (SDP rtpmap), default H264: anything else is re-encoded. */
  videoCodec?: string;
  /** AAC bitrate, default `96k`. */
  audioBitrate?: string;
  /**
   * Address ffmpeg binds its RTP input ports to (`-localaddr`, e.g. 127.0.0.1); default: every
   * interface. Only for ffmpeg builds that have the option (see ffmpegSupportsSdpLocalAddr).
   */
  inputLocalAddress?: string;
}

/**
 * Builds ffmpeg's argument array (run without a shell) for one republish: RTP in via SDP, H.264
 * copied, audio encoded to AAC, FLV out to RTMP(S). Valid for Debian's ffmpeg 5.1 and for 4.x.
 *
 * @remarks
 * Why these input options (see FACTS.md):
 * - `-progress pipe:1 -nostats`: machine-readable reports on stdout, no `\r` status on stderr.
 * - `-protocol_whitelist file,udp,rtp`: the SDP file may open nothing else.
 * - `-analyzeduration 1000000 -fpsprobesize 0`: first frame ~0.5 s after the first keyframe
 *   instead of ~1.3 s. Never `-probesize 32`: it silently drops the video.
 * - `-reorder_queue_size 64`: room to put reordered RTP back in order.
 * - `-flvflags no_duration_filesize`: a live RTMP output cannot be rewritten at the end.
 */
export function buildRepublishArgs(o: RepublishArgsOptions): string[] {
  if (!o.hasAudio && !o.hasVideo) throw new ConfigError("buildRepublishArgs: neither audio nor video to republish");
  if (!/^rtmp[st]?:\/\//i.test(o.outputUrl)) throw new ConfigError("buildRepublishArgs: outputUrl must be rtmp:// or rtmps://");
  const args = [
    "-hide_banner", "-nostdin", "-loglevel", "warning",
    "-progress", "pipe:1", "-nostats",
    "-protocol_whitelist", "file,udp,rtp",
    "-fflags", "+genpts",
    "-analyzeduration", "1000000",
    "-fpsprobesize", "0",
    "-reorder_queue_size", "64",
  ];
  if (o.inputLocalAddress) args.push("-localaddr", o.inputLocalAddress);
  args.push("-i", o.sdpPath);
  if (!o.hasVideo) args.push("-vn");
  else if ((o.videoCodec ?? "H264").toUpperCase() === "H264") args.push("-c:v", "copy");
  // FLV carries H.264 only (for our purpose): VP8 or H.263 from a SIP phone must be re-encoded.
  else args.push("-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-g", "50", "-pix_fmt", "yuv420p");
  if (!o.hasAudio) args.push("-an");
  else args.push("-c:a", "aac", "-ar", "44100", "-ac", "2", "-b:a", o.audioBitrate ?? "96k");
  args.push("-f", "flv", "-flvflags", "no_duration_filesize", o.outputUrl);
  return args;
}
