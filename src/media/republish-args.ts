import { volumeFilter } from "./codec-level";
import { ConfigError } from "../errors";
import { isRtmpUrl, type RepublishOutput } from "./output-target";

/** A picture made up for a call that has no video: black frames, or a still image. */
export interface GeneratedVideo {
  /** Still image (PNG, JPEG…) shown for the whole call; black frames when absent. */
  image?: string;
}

/** What one republish reads and writes. */
export interface RepublishArgsOptions {
  /** SDP file describing the RTP ffmpeg receives (on 127.0.0.1). */
  sdpPath: string;
  /** Where to write; see {@link RepublishOutput}. Give this or `outputUrl`. */
  output?: RepublishOutput;
  /** Shorthand for `output: { kind: "rtmp", url }`. */
  outputUrl?: string;
  /** The SDP has an audio stream. */
  hasAudio: boolean;
  /** The SDP has a video stream. */
  hasVideo: boolean;
  /** Encoding name of the incoming video (SDP rtpmap), default H264: anything else is re-encoded. */
  videoCodec?: string;
  /** AAC bitrate, default `96k`. */
  audioBitrate?: string;
  /** Gain in dB applied to the call's audio before it is encoded (codec-level.ts: a peer whose G.722 is 6 dB low); default none. */
  audioGainDb?: number;
  /**
   * Address ffmpeg binds its RTP input ports to (`-localaddr`, e.g. 127.0.0.1); default: every
   * interface. Only for ffmpeg builds that have the option (see ffmpegSupportsSdpLocalAddr).
   */
  inputLocalAddress?: string;
  /** Add a video track made by ffmpeg (only when `hasVideo` is false): CDNs reject audio-only streams. */
  generateVideo?: GeneratedVideo;
  /** Add a silent audio track (only when `hasAudio` is false): players and CDNs expect one. */
  generateAudio?: boolean;
  /**
   * How much input ffmpeg may read to find every stream's parameters (default 1 000 000 µs). An
   * output that starts with more than that of audio queued ahead of its first video frame (a
   * stand-in picture for a late camera) needs more, or ffmpeg stops probing on the audio's
   * duration before the video's first frame and fails ("dimensions not set"). Only a stream
   * without parameters makes ffmpeg read that far: it costs nothing otherwise.
   */
  analyzeDurationUs?: number;
  /**
   * Where the output's timeline starts, ms (`-output_ts_offset`): an output restarted mid-call on
   * new media continues the timestamps of the one before instead of starting again from 0.
   */
  outputTsOffsetMs?: number;
}

/** Size and rate of generated video: small, because it only carries black or a slate. */
const GENERATED_SIZE = "640x360";
const GENERATED_FPS = 25;
/**
 * Re-encoding: a keyframe every 2 s at a constant 25 fps, what YouTube and Facebook ask for.
 * `-r 25`: RTP input has no frame rate (`-fpsprobesize 0`), so without it x264 was told 90000 fps
 * (the RTP clock) and warned "MB rate > level limit".
 */
const ENCODE_H264 = ["-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-r", String(GENERATED_FPS), "-g", "50", "-pix_fmt", "yuv420p"];

/**
 * Builds ffmpeg's argument array (run without a shell) for one republish: RTP in via SDP, H.264
 * copied (other video re-encoded), audio encoded to AAC; FLV to RTMP(S), or a fragmented MP4 or
 * Matroska file. Valid for Debian's ffmpeg 5.1 and for 4.x.
 *
 * @remarks
 * Why these input options (each checked with Debian's ffmpeg 5.1 on this project's test peers):
 * - `-progress pipe:1 -nostats`: machine-readable reports on stdout, no `\r` status on stderr.
 * - `-protocol_whitelist file,udp,rtp`: the SDP file may open nothing else.
 * - `-analyzeduration 1000000 -fpsprobesize 0`: first frame ~0.5 s after the first keyframe
 *   instead of ~1.3 s. Never `-probesize 32`: it silently drops the video.
 * - `-reorder_queue_size 0`: no reordering in ffmpeg. FfmpegAttempt (src/output/ffmpeg) puts the call's own
 *   JitterBuffer (CallOptions.jitterBufferMs) in front, so a gap that reaches ffmpeg is a packet
 *   already given up; ffmpeg's queue would only wait `max_delay` (0.1 s for SDP input) on it, and
 *   that wait stalls its whole demuxer, every stream. Measured (ffmpeg 5.1, H.264 + PCMU in order
 *   with 2 % lost, 30 s, output copied to RTP): with 64 (as before) or ffmpeg's default, 58 "max
 *   delay reached" stalls, video latency p95 +59 ms and max +165 ms over the input's; with 0 no
 *   stall and p95 as the input's. With jitterBufferMs 0 nothing reorders at all: that is "off".
 * - `-flvflags no_duration_filesize`: a live RTMP output cannot be rewritten at the end.
 *
 * Generated tracks are extra lavfi (or image) inputs read with `-re`: without it ffmpeg reads
 * them as fast as it can and their timestamps run ahead of the live RTP. ffmpeg starts its
 * loop only once the RTP input is probed, so both start together (seen: first black frame
 * 23 ms after the first audio packet, equal durations after 5 s).
 *
 * Recordings: MP4 is fragmented (`frag_keyframe+empty_moov+default_base_moof`), so a file cut
 * short by a kill or a power loss still plays up to its last fragment (`+faststart` would need
 * the whole file rewritten at the end); Matroska is written cluster by cluster and survives too.
 * `-n`: never overwrite an existing file.
 */
export function buildRepublishArgs(o: RepublishArgsOptions): string[] {
  const output = resolveOutput(o);
  const video = o.hasVideo || o.generateVideo !== undefined;
  const audio = o.hasAudio || o.generateAudio === true;
  if (!o.hasAudio && !o.hasVideo) throw new ConfigError("buildRepublishArgs: neither audio nor video to republish");
  const args = [
    "-hide_banner", "-nostdin", "-loglevel", "warning",
    "-progress", "pipe:1", "-nostats",
    "-protocol_whitelist", "file,udp,rtp",
    "-fflags", "+genpts",
    "-analyzeduration", String(Math.round(o.analyzeDurationUs ?? 1_000_000)),
    "-fpsprobesize", "0",
    "-reorder_queue_size", "0",
  ];
  if (o.inputLocalAddress) args.push("-localaddr", o.inputLocalAddress);
  args.push("-i", o.sdpPath);

  const maps: string[] = [];
  let input = 1;
  const generatedVideo = !o.hasVideo && o.generateVideo !== undefined;
  const generatedAudio = !o.hasAudio && o.generateAudio === true;
  if (generatedVideo) {
    const image = o.generateVideo?.image;
    if (image) args.push("-re", "-loop", "1", "-framerate", String(GENERATED_FPS), "-i", image);
    else args.push("-re", "-f", "lavfi", "-i", `color=c=black:s=${GENERATED_SIZE}:r=${GENERATED_FPS}`);
    maps.push("-map", `${input++}:v:0`);
  }
  if (generatedAudio) {
    args.push("-re", "-f", "lavfi", "-i", "anullsrc=r=44100:cl=stereo");
    maps.push("-map", `${input++}:a:0`);
  }
  if (maps.length > 0) {
    // With several inputs every stream is mapped by hand, the call's own first.
    const own: string[] = [];
    if (o.hasVideo) own.push("-map", "0:v:0");
    if (o.hasAudio) own.push("-map", "0:a:0");
    args.push(...own, ...maps);
  }

  if (!video) args.push("-vn");
  else if (generatedVideo) {
    args.push(...ENCODE_H264);
    // A slate of any size: fit it into the frame, even dimensions for yuv420p.
    if (o.generateVideo?.image) {
      const [w, h] = GENERATED_SIZE.split("x");
      args.push("-vf", `scale=${w}:${h}:force_original_aspect_ratio=decrease,pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2,setsar=1`);
    }
  } else if ((o.videoCodec ?? "H264").toUpperCase() === "H264") args.push("-c:v", "copy");
  // FLV carries H.264 only (for our purpose): VP8 or H.263 from a SIP phone must be re-encoded.
  else args.push(...ENCODE_H264);
  if (!audio) args.push("-an");
  else {
    const gain = o.hasAudio ? volumeFilter(o.audioGainDb) : undefined;
    if (gain) args.push("-af", gain);
    args.push("-c:a", "aac", "-ar", "44100", "-ac", "2", "-b:a", o.audioBitrate ?? "96k");
  }

  if (o.outputTsOffsetMs !== undefined && o.outputTsOffsetMs > 0) args.push("-output_ts_offset", (o.outputTsOffsetMs / 1000).toFixed(3));
  if (output.kind === "rtmp") {
    if (/^rtmps:/i.test(output.url)) {
      args.push("-tls_verify", output.tlsVerify === false ? "0" : "1");
      if (output.caFile) args.push("-ca_file", output.caFile);
    }
    args.push("-f", "flv", "-flvflags", "no_duration_filesize", output.url);
  } else if (output.format === "mkv") {
    args.push("-f", "matroska", "-n", output.path);
  } else {
    args.push("-f", "mp4", "-movflags", "+frag_keyframe+empty_moov+default_base_moof", "-n", output.path);
  }
  return args;
}

function resolveOutput(o: RepublishArgsOptions): RepublishOutput {
  if ((o.output === undefined) === (o.outputUrl === undefined)) throw new ConfigError("buildRepublishArgs: give exactly one of output and outputUrl");
  // A resolved output was checked where it entered the engine (the rtmp kind's resolve()); a bare URL is checked here.
  if (o.outputUrl !== undefined && !isRtmpUrl(o.outputUrl)) throw new ConfigError("buildRepublishArgs: outputUrl must be rtmp:// or rtmps://");
  const output: RepublishOutput = o.output ?? { kind: "rtmp", url: o.outputUrl ?? "" };
  if (output.kind === "record" && output.path.trim() === "") throw new ConfigError("buildRepublishArgs: empty record path");
  return output;
}
