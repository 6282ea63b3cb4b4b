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

/** What {@link buildTestPatternArgs} needs. At least one of audio and video. */
export interface TestPatternArgsOptions {
  video?: TestPatternOutput<VideoCodecName>;
  audio?: TestPatternOutput<AudioCodecName>;
  /** Tone frequency in Hz (default 440). */
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
}

/** Encoder, sample rate, channels and the samples per 20 ms frame of each audio codec. */
const AUDIO: Readonly<Record<AudioCodecName, { encoder: string[]; rate: number; channels: number }>> = {
  PCMU: { encoder: ["-c:a", "pcm_mulaw"], rate: 8000, channels: 1 },
  PCMA: { encoder: ["-c:a", "pcm_alaw"], rate: 8000, channels: 1 },
  // G.722 samples at 16 kHz; ffmpeg's RTP muxer writes the 8 kHz clock RFC 3551 keeps for it.
  G722: { encoder: ["-c:a", "g722"], rate: 16000, channels: 1 },
  opus: { encoder: ["-c:a", "libopus", "-b:a", "32k", "-frame_duration", "20"], rate: 48000, channels: 2 },
};

function rtpUrl(o: { rtpPort: number; rtcpPort: number }): string {
  // 1200-byte packets leave room for tunnels and VPNs on the way to a real caller.
  return `rtp://127.0.0.1:${o.rtpPort}?rtcpport=${o.rtcpPort}&pkt_size=1200`;
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
 * The argv of the one ffmpeg a test meeting call runs: a moving test pattern and a tone, read in
 * real time (`-re`), encoded with the negotiated codecs and sent as RTP to the peer's relay ports.
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
  const args = ["-hide_banner", "-nostdin", "-loglevel", "warning", "-progress", "pipe:1", "-nostats"];
  const outputs: string[] = [];
  let input = 0;
  if (o.video) {
    args.push("-re", "-f", "lavfi", "-i", `testsrc2=size=${o.size ?? "640x360"}:rate=${fps}`);
    outputs.push("-map", `${input}:v`, ...videoEncoder(o.video, gop, o.videoKbps ?? 800), "-payload_type", String(o.video.payloadType), "-f", "rtp", rtpUrl(o.video));
    input++;
  }
  if (o.audio) {
    const a = AUDIO[o.audio.codec];
    const frame = a.rate / 50; // 20 ms, the ptime the answer advertises
    args.push("-re", "-f", "lavfi", "-i", `sine=frequency=${o.toneHz ?? 440}:sample_rate=${a.rate}:samples_per_frame=${frame}`);
    outputs.push("-map", `${input}:a`, ...a.encoder, "-ar", String(a.rate), "-ac", String(a.channels), "-payload_type", String(o.audio.payloadType), "-f", "rtp", rtpUrl(o.audio));
  }
  return [...args, ...outputs];
}
