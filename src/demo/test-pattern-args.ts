import type { AudioCodecName, VideoCodecName } from "../sdp";

/** Where ffmpeg sends one medium (the peer's relay sockets on loopback) and how to encode it. */
export interface TestPatternOutput<C extends string> {
  codec: C;
  /** The negotiated payload number. */
  payloadType: number;
  /** The caller's fmtp for the chosen format (H.264 packetization-mode matters). */
  fmtp?: string;
  /** UDP ports on 127.0.0.1 that receive ffmpeg's RTP and RTCP. */
  rtpPort: number;
  rtcpPort: number;
}

/**
 * What the test meeting sends:
 * - `testsrc`: ffmpeg's moving testsrc2 picture and a steady sine tone;
 * - `flash-beep`: the same picture turned all white for the first 120 ms of every whole second
 *   (3 frames at 25 fps), and silence except a 1 kHz beep during those same 120 ms. Flash and
 *   beep leave the source together, so a receiver can measure its A/V offset (see {@link FLASH_BEEP}).
 */
export type TestPattern = "testsrc" | "flash-beep";

/** Timing of the `flash-beep` pattern: both start at every whole second of the stream's timestamps. */
export const FLASH_BEEP = { periodMs: 1000, flashMs: 120, beepMs: 120, beepHz: 1000, beepAmplitude: 0.5 } as const;

/** What {@link buildTestPatternArgs} needs. At least one of audio and video. */
export interface TestPatternArgsOptions {
  video?: TestPatternOutput<VideoCodecName>;
  audio?: TestPatternOutput<AudioCodecName>;
  /** What to send (default "testsrc"). */
  pattern?: TestPattern;
  /** Tone frequency in Hz of the `testsrc` pattern (default 440). */
  toneHz?: number;
  /** Picture size (default "640x360"). */
  size?: string;
  /** Frames per second (default 25). */
  fps?: number;
  /**
   * Frames between keyframes (default 50: 2 s at 25 fps). ffmpeg cannot answer a PLI/FIR, so a
   * short GOP is what lets a caller that joined late (or lost a packet) show a picture again soon.
   */
  gop?: number;
  /** Video bit rate in kbit/s (default 800). */
  videoKbps?: number;
  /**
   * Wall-clock time (µs since 1970) of timestamp 0, written as `-start_time_realtime` on every RTP
   * output so that the sender reports (RTCP SR) of audio and video share one anchor. Without it
   * each RTP muxer anchors its SRs on the moment it sends its own first packet, so the encoders'
   * different start-up delays become an A/V offset at any receiver that syncs on SRs (seen: +4 ms
   * at a plain ffmpeg receiver without, 0 ms with).
   */
  startTimeRealtimeUs?: number;
  /**
   * A second encoding of the same picture at another size, to its own RTP ports (same codec,
   * GOP and timestamps): what the test meeting switches to for a layout change (see LayoutSwitch).
   */
  alternateVideo?: { size: string; rtpPort: number; rtcpPort: number };
}

/** Encoder, sample rate, channels and the samples per 20 ms frame of each audio codec. */
const AUDIO: Readonly<Record<AudioCodecName, { encoder: string[]; rate: number; channels: number }>> = {
  PCMU: { encoder: ["-c:a", "pcm_mulaw"], rate: 8000, channels: 1 },
  PCMA: { encoder: ["-c:a", "pcm_alaw"], rate: 8000, channels: 1 },
  // G.722 samples at 16 kHz; ffmpeg's RTP muxer writes the 8 kHz clock RFC 3551 keeps for it.
  G722: { encoder: ["-c:a", "g722"], rate: 16000, channels: 1 },
  opus: { encoder: ["-c:a", "libopus", "-b:a", "32k", "-frame_duration", "20"], rate: 48000, channels: 2 },
};

function rtpOutput(o: { rtpPort: number; rtcpPort: number }, startTimeRealtimeUs: number | undefined): string[] {
  const anchor = startTimeRealtimeUs === undefined ? [] : ["-start_time_realtime", String(Math.round(startTimeRealtimeUs))];
  // 1200-byte packets leave room for tunnels and VPNs on the way to a real caller.
  return [...anchor, "-f", "rtp", `rtp://127.0.0.1:${o.rtpPort}?rtcpport=${o.rtcpPort}&pkt_size=1200`];
}

function videoEncoder(v: TestPatternOutput<VideoCodecName>, gop: number, kbps: number): string[] {
  const rate = [`-b:v`, `${kbps}k`, "-maxrate", `${kbps}k`, "-bufsize", `${kbps}k`];
  if (v.codec === "VP8") {
    return ["-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8", "-g", String(gop), "-keyint_min", String(gop), ...rate];
  }
  // Baseline, no B-frames, SPS/PPS in band before every IDR (the RTP muxer asks for no global header).
  const mode0 = /packetization-mode\s*=\s*0/i.test(v.fmtp ?? "") || !/packetization-mode/i.test(v.fmtp ?? "");
  return [
    "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-profile:v", "baseline", "-pix_fmt", "yuv420p",
    "-g", String(gop), "-keyint_min", String(gop), "-sc_threshold", "0", ...rate,
    // RFC 6184 §6.2: without packetization-mode (or with 0) only single NAL unit packets are allowed.
    ...(mode0 ? ["-rtpflags", "h264_mode0", "-slice-max-size", "1100"] : []),
  ];
}

/**
 * The lavfi video source of a pattern. `flash-beep` counts frames (`n`), not time, so the flash
 * is exactly the first frames of each second whatever rounding the timestamps have.
 */
export function testPatternVideoSource(pattern: TestPattern, size: string, fps: number): string {
  const source = `testsrc2=size=${size}:rate=${fps}`;
  if (pattern === "testsrc") return source;
  if (!Number.isInteger(fps) || fps <= 0) throw new RangeError(`flash-beep needs a whole frame rate, got ${fps}`);
  const frames = Math.max(1, Math.round((FLASH_BEEP.flashMs * fps) / 1000));
  return `${source},drawbox=x=0:y=0:w=iw:h=ih:color=white:t=fill:enable='lt(mod(n,${fps}),${frames})'`;
}

/**
 * The lavfi audio source of a pattern, `samplesPerFrame` samples per frame (the packet ptime).
 * `flash-beep`'s `t` is the sample time, so the beep starts on the exact sample of each second.
 */
export function testPatternAudioSource(pattern: TestPattern, sampleRate: number, samplesPerFrame: number, toneHz = 440): string {
  if (pattern === "testsrc") return `sine=frequency=${toneHz}:sample_rate=${sampleRate}:samples_per_frame=${samplesPerFrame}`;
  const { beepMs, beepHz, beepAmplitude } = FLASH_BEEP;
  return `aevalsrc=exprs='if(lt(mod(t,1),${beepMs / 1000}),${beepAmplitude}*sin(2*PI*${beepHz}*t),0)':s=${sampleRate}:n=${samplesPerFrame}`;
}

/**
 * The argv of the one ffmpeg a test meeting call runs: the {@link TestPattern}'s picture and
 * sound, read in real time (`-re`), encoded with the negotiated codecs and sent as RTP to the
 * peer's relay ports.
 *
 * @remarks
 * One RTP output per medium because ffmpeg's RTP muxer carries a single stream. `-progress pipe:1`
 * lets {@link FfmpegProcess} tell when output started. ffmpeg also prints the SDP of its outputs on
 * stdout; the progress parser ignores those lines.
 */
export function buildTestPatternArgs(o: TestPatternArgsOptions): string[] {
  if (!o.audio && !o.video) throw new RangeError("test pattern: neither audio nor video to send");
  const fps = o.fps ?? 25;
  const gop = o.gop ?? fps * 2;
  const pattern = o.pattern ?? "testsrc";
  const args = ["-hide_banner", "-nostdin", "-loglevel", "warning", "-progress", "pipe:1", "-nostats"];
  const outputs: string[] = [];
  let input = 0;
  if (o.video) {
    args.push("-re", "-f", "lavfi", "-i", testPatternVideoSource(pattern, o.size ?? "640x360", fps));
    const encoder = [...videoEncoder(o.video, gop, o.videoKbps ?? 800), "-payload_type", String(o.video.payloadType)];
    const alt = o.alternateVideo;
    if (alt) {
      // One source, two sizes: the same frames, so the two streams' keyframes and timestamps line up.
      const [w, h] = alt.size.split("x");
      args.push("-filter_complex", `[${input}:v]split=2[main][alt0];[alt0]scale=${w}:${h}[alt]`);
      outputs.push("-map", "[main]", ...encoder, ...rtpOutput(o.video, o.startTimeRealtimeUs));
      outputs.push("-map", "[alt]", ...encoder, ...rtpOutput(alt, o.startTimeRealtimeUs));
    } else {
      outputs.push("-map", `${input}:v`, ...encoder, ...rtpOutput(o.video, o.startTimeRealtimeUs));
    }
    input++;
  }
  if (o.audio) {
    const a = AUDIO[o.audio.codec];
    const frame = a.rate / 50; // 20 ms, the ptime the answer advertises
    args.push("-re", "-f", "lavfi", "-i", testPatternAudioSource(pattern, a.rate, frame, o.toneHz));
    outputs.push("-map", `${input}:a`, ...a.encoder, "-ar", String(a.rate), "-ac", String(a.channels), "-payload_type", String(o.audio.payloadType), ...rtpOutput(o.audio, o.startTimeRealtimeUs));
  }
  return [...args, ...outputs];
}
