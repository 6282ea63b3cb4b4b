import { execFile } from "node:child_process";
import { createSocket } from "node:dgram";
import { readFile } from "node:fs/promises";
import { createServer } from "node:net";
import { FfmpegProcess, type RepublisherPorts } from "../../../src/media";
import type { Logger } from "../../../src/util/logger";

/**
 * Test peers built from the real ffmpeg: an RTP source (H.264 + PCMU, like a SIP video phone)
 * and a one-shot RTMP server that records what it receives. Both run as FfmpegProcess, so a
 * test's cleanup is `close()` + `whenExited()`.
 */

/** The SDP the Republisher's caller writes for forwarded RTP: H.264 (PT 96) and PCMU (PT 0). */
export function describeH264Pcmu(ports: RepublisherPorts): string {
  const lines = ["v=0", "o=- 0 0 IN IP4 127.0.0.1", "s=sipcast test", "c=IN IP4 127.0.0.1", "t=0 0"];
  if (ports.video !== undefined) {
    lines.push(`m=video ${ports.video} RTP/AVP 96`, "a=rtpmap:96 H264/90000", "a=fmtp:96 packetization-mode=1", "a=recvonly");
  }
  if (ports.audio !== undefined) lines.push(`m=audio ${ports.audio} RTP/AVP 0`, "a=rtpmap:0 PCMU/8000", "a=recvonly");
  return `${lines.join("\r\n")}\r\n`;
}

/**
 * ffmpeg sending a test picture as H.264 RTP to ports.video and a 440 Hz tone as PCMU RTP to
 * ports.audio, in real time, for at most `seconds`. It writes its own SDP to `sdpFile`.
 */
export function startRtpSource(ffmpeg: string, ports: RepublisherPorts, sdpFile: string, logger?: Logger, seconds = 30): FfmpegProcess {
  const args = ["-hide_banner", "-nostdin", "-loglevel", "error"];
  if (ports.video !== undefined) args.push("-re", "-t", String(seconds), "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25");
  if (ports.audio !== undefined) args.push("-re", "-t", String(seconds), "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=8000");
  let input = 0;
  if (ports.video !== undefined) {
    args.push("-map", `${input++}:v`, "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", "25");
    args.push("-f", "rtp", `rtp://127.0.0.1:${ports.video}`);
  }
  if (ports.audio !== undefined) {
    args.push("-map", `${input++}:a`, "-c:a", "pcm_mulaw", "-f", "rtp", `rtp://127.0.0.1:${ports.audio}`);
  }
  args.push("-sdp_file", sdpFile);
  return new FfmpegProcess({ path: ffmpeg, args, logger, killGraceMs: 1000 });
}

/**
 * Sends what the lead's forwarder sends at the end of a call: an RTCP compound RR + BYE
 * (16 bytes; ffmpeg ignores RTCP shorter than 12) to each RTCP port (RTP port + 1).
 */
export async function sendRtcpBye(ports: RepublisherPorts): Promise<void> {
  const packet = Buffer.from([
    0x80, 201, 0x00, 0x01, 0x12, 0x34, 0x56, 0x78, // RR, no report blocks, SSRC
    0x81, 203, 0x00, 0x01, 0x12, 0x34, 0x56, 0x78, // BYE for that SSRC
  ]);
  const socket = createSocket("udp4");
  try {
    for (const port of [ports.video, ports.audio]) {
      if (port === undefined) continue;
      await new Promise<void>((resolve, reject) => socket.send(packet, port + 1, "127.0.0.1", (e) => (e ? reject(e) : resolve())));
    }
  } finally {
    socket.close();
  }
}

/** A TCP port that was free a moment ago (listen on 0, read, close). */
export function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** True once 127.0.0.1:port (or any address) is in LISTEN state in /proc/net/tcp. */
async function tcpListening(port: number): Promise<boolean> {
  const text = await readFile("/proc/net/tcp", "latin1");
  const hex = port.toString(16).toUpperCase().padStart(4, "0");
  return text.split("\n").some((l) => new RegExp(`^\\s*\\d+: [0-9A-F]{8}:${hex} [0-9A-F]{8}:0000 0A `).test(l));
}

/**
 * `ffmpeg -listen 1 -i rtmp://127.0.0.1:PORT/live/KEY -c copy out.flv`: accepts one publisher,
 * writes what it gets, and exits when the publisher leaves. Resolves once it listens
 * (watched in /proc/net/tcp: a probe connection would use up its single connection).
 */
export async function startRtmpRecorder(ffmpeg: string, url: string, flvPath: string, logger?: Logger): Promise<FfmpegProcess> {
  const port = Number(new URL(url.replace(/^rtmp/, "http")).port);
  const proc = new FfmpegProcess({
    path: ffmpeg,
    args: ["-hide_banner", "-nostdin", "-loglevel", "error", "-listen", "1", "-i", url, "-c", "copy", "-f", "flv", flvPath],
    logger,
    killGraceMs: 1000,
  });
  for (let i = 0; i < 250 && !proc.exited; i++) {
    if (await tcpListening(port)) return proc;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  proc.close();
  await proc.whenExited();
  throw new Error(`RTMP recorder did not listen on ${port}`);
}

/** One stream as ffprobe reports it. */
export interface ProbedStream {
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  sample_rate?: string;
  channels?: number;
}

/** ffprobe's view of a media file: its streams and duration in seconds. */
export function probe(file: string): Promise<{ streams: ProbedStream[]; duration: number }> {
  const args = ["-v", "error", "-show_entries", "format=duration:stream=codec_type,codec_name,width,height,sample_rate,channels", "-of", "json", file];
  return new Promise((resolve, reject) => {
    execFile("ffprobe", args, (error, stdout) => {
      if (error) return reject(error);
      const json = JSON.parse(stdout) as { streams?: ProbedStream[]; format?: { duration?: string } };
      resolve({ streams: json.streams ?? [], duration: Number(json.format?.duration ?? 0) });
    });
  });
}
