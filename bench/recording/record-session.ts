import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { monoMs } from "../common/mono-clock";
import { bindConsecutiveUdp } from "../common/udp-sockets";
import { loadRecording, writeRecording, type CapturedPacket, type RecordingHeader } from "./recording-format";

/** Length of the recording; the peer loops it. */
export const RECORDING_SECONDS = 10;
const FILE_NAME = "session-v1.scbr";

/** The ffmpeg command for the session: testsrc2 as H.264 and a 440 Hz sine as PCMU, sent as RTP to the two ports. */
export function recordingArgs(videoPort: number, audioPort: number): string[] {
  return [
    "-hide_banner", "-nostdin", "-loglevel", "error",
    "-re", "-f", "lavfi", "-i", `testsrc2=size=640x360:rate=25:duration=${RECORDING_SECONDS}`,
    "-re", "-f", "lavfi", "-i", `sine=frequency=440:sample_rate=8000:samples_per_frame=160:duration=${RECORDING_SECONDS}`,
    // Baseline (matches the offered profile-level-id 42e01f), no B-frames, one IDR per loop
    // (frame 0): the peer makes further keyframes by jumping back to it when asked (PLI/FIR).
    "-map", "0:v", "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-profile:v", "baseline", "-level", "3.1",
    "-pix_fmt", "yuv420p", "-b:v", "600k", "-maxrate", "600k", "-bufsize", "1200k", "-g", "250", "-keyint_min", "250", "-sc_threshold", "0", "-bf", "0",
    "-f", "rtp", "-payload_type", "96", "-pkt_size", "1200", `rtp://127.0.0.1:${videoPort}`,
    // 160 samples per source frame = one 20 ms packet each (ffmpeg packs a whole input frame into one RTP packet).
    "-map", "1:a", "-c:a", "pcm_mulaw", "-ar", "8000", "-ac", "1",
    "-f", "rtp", "-payload_type", "0", "-pkt_size", "1200", `rtp://127.0.0.1:${audioPort}`,
  ];
}

function checkSequence(packets: readonly CapturedPacket[], kind: "audio" | "video"): void {
  let last: number | undefined;
  for (const p of packets) {
    if (p.kind !== kind) continue;
    const seq = p.packet.readUInt16BE(2);
    if (last !== undefined && seq !== ((last + 1) & 0xffff)) throw new Error(`recording: ${kind} sequence jumps ${last} → ${seq} (packet lost while capturing)`);
    last = seq;
  }
  if (last === undefined) throw new Error(`recording: no ${kind} packets captured`);
}

/**
 * Records the session once (ffmpeg → RTP → a Node dgram socket, real time: 10 s) into
 * `dir`, or returns the file made earlier. RTCP from ffmpeg lands on bound but unread sockets,
 * so ffmpeg never sees a port unreachable.
 */
export async function ensureRecording(dir: string, ffmpegPath: string, log: (line: string) => void): Promise<string> {
  const file = path.join(dir, FILE_NAME);
  if (fs.existsSync(file)) {
    try {
      loadRecording(file);
      return file;
    } catch (error) {
      log(`recording ${file} unusable (${(error as Error).message}): recording again`);
    }
  }
  fs.mkdirSync(dir, { recursive: true });
  const { base, sockets } = await bindConsecutiveUdp(4, 4 * 1024 * 1024);
  const packets: CapturedPacket[] = [];
  let t0: number | undefined;
  const capture = (kind: "audio" | "video") => (msg: Buffer): void => {
    const now = monoMs();
    t0 ??= now;
    packets.push({ kind, arrivalUs: Math.round((now - t0) * 1000), packet: Buffer.from(msg) });
  };
  const [videoRtp, , audioRtp] = sockets;
  videoRtp?.on("message", capture("video"));
  audioRtp?.on("message", capture("audio"));
  const args = recordingArgs(base, base + 2);
  log(`recording ${RECORDING_SECONDS} s of RTP with ffmpeg (once; kept in ${dir})`);
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(ffmpegPath, args, { stdio: ["ignore", "ignore", "pipe"] });
      let stderr = "";
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      child.once("error", reject);
      child.once("exit", (c) => (c === 0 ? resolve(c) : reject(new Error(`recording ffmpeg exited ${c}: ${stderr.slice(-2000)}`))));
    });
    void code;
    await new Promise((r) => setTimeout(r, 300)); // the last datagrams
  } finally {
    for (const s of sockets) s.close();
  }
  checkSequence(packets, "video");
  checkSequence(packets, "audio");
  const header: RecordingHeader = {
    createdAt: new Date().toISOString(),
    ffmpegArgs: ["ffmpeg", ...args],
    video: { payloadType: 96, clockRate: 90000, fmtp: "profile-level-id=42e01f;packetization-mode=1" },
    audio: { payloadType: 0, clockRate: 8000 },
  };
  const tmp = `${file}.tmp`;
  writeRecording(tmp, header, packets);
  loadRecording(tmp); // must parse before it becomes the recording
  fs.renameSync(tmp, file);
  return file;
}
