import * as fs from "node:fs";
import { pictureBytesOfRtpPayload } from "../common/h264-nal";

/**
 * The pre-recorded RTP session the bench peer replays, stored compactly:
 *
 * ```
 * "SCBR" | u8 version=1 | u32 header length | header JSON |
 * repeated: u8 kind (0 audio, 1 video) | u32 arrival µs since the first packet | u16 length | RTP packet
 * ```
 * All integers big-endian. The header JSON describes the codecs and how it was made.
 */
export interface RecordingHeader {
  createdAt: string;
  /** The ffmpeg command (argv) that produced the packets. */
  ffmpegArgs: string[];
  video: { payloadType: number; clockRate: number; fmtp: string };
  audio: { payloadType: number; clockRate: number };
}

/** One captured RTP packet. */
export interface CapturedPacket {
  kind: "audio" | "video";
  arrivalUs: number;
  packet: Buffer;
}

/** The payloads of one frame (video: every packet with one timestamp; audio: one packet). */
export interface RecordedFrame {
  /** RTP timestamp relative to the first frame of its kind. */
  tsOffset: number;
  /** Payloads in sending order, with their RTP marker bits. */
  packets: Array<{ payload: Buffer; marker: boolean }>;
  /** The frame starts with an SPS or IDR slice. */
  keyframe: boolean;
  /** Picture bytes (see common/h264-nal), for the sink's integrity check. */
  pictureBytes: number;
}

/** One medium of the recording, ready to loop. */
export interface RecordedTrack {
  payloadType: number;
  clockRate: number;
  frames: RecordedFrame[];
  /** Timestamp span of one loop (last offset + one frame duration). */
  loopTs: number;
}

/** A parsed recording. */
export interface Recording {
  header: RecordingHeader;
  video: RecordedTrack;
  audio: RecordedTrack;
}

const MAGIC = "SCBR";

/** Writes packets (in arrival order) with their header. */
export function writeRecording(file: string, header: RecordingHeader, packets: readonly CapturedPacket[]): void {
  const json = Buffer.from(JSON.stringify(header), "utf8");
  const head = Buffer.alloc(9);
  head.write(MAGIC, 0, "latin1");
  head[4] = 1;
  head.writeUInt32BE(json.length, 5);
  const parts: Buffer[] = [head, json];
  for (const p of packets) {
    const h = Buffer.alloc(7);
    h[0] = p.kind === "video" ? 1 : 0;
    h.writeUInt32BE(p.arrivalUs >>> 0, 1);
    h.writeUInt16BE(p.packet.length, 5);
    parts.push(h, p.packet);
  }
  fs.writeFileSync(file, Buffer.concat(parts));
}

/** Reads the raw packets of a recording file. */
export function readCapturedPackets(file: string): { header: RecordingHeader; packets: CapturedPacket[] } {
  const data = fs.readFileSync(file);
  if (data.toString("latin1", 0, 4) !== MAGIC || data[4] !== 1) throw new Error(`${file}: not a bench recording (version 1)`);
  const jsonLength = data.readUInt32BE(5);
  const header = JSON.parse(data.toString("utf8", 9, 9 + jsonLength)) as RecordingHeader;
  const packets: CapturedPacket[] = [];
  let offset = 9 + jsonLength;
  while (offset + 7 <= data.length) {
    const kind = data[offset] === 1 ? "video" : "audio";
    const arrivalUs = data.readUInt32BE(offset + 1);
    const length = data.readUInt16BE(offset + 5);
    offset += 7;
    packets.push({ kind, arrivalUs, packet: data.subarray(offset, offset + length) });
    offset += length;
  }
  return { header, packets };
}

function isKeyframePayload(payload: Buffer): boolean {
  const type = (payload[0] as number) & 0x1f;
  const inner = type === 28 ? (payload[1] as number) & 0x1f : type === 24 ? (payload[3] as number) & 0x1f : type;
  return inner === 5 || inner === 7;
}

function track(packets: readonly Buffer[], payloadType: number, clockRate: number, video: boolean): RecordedTrack {
  const frames: RecordedFrame[] = [];
  let firstTs: number | undefined;
  let lastTs: number | undefined;
  for (const pkt of packets) {
    const ts = pkt.readUInt32BE(4);
    const csrcs = (pkt[0] as number) & 0x0f;
    const payload = pkt.subarray(12 + 4 * csrcs);
    const marker = ((pkt[1] as number) & 0x80) !== 0;
    firstTs ??= ts;
    const tsOffset = (ts - firstTs) >>> 0;
    if (lastTs !== ts || !video) {
      frames.push({ tsOffset, packets: [], keyframe: video && isKeyframePayload(payload), pictureBytes: 0 });
      lastTs = ts;
    }
    const frame = frames[frames.length - 1] as RecordedFrame;
    frame.packets.push({ payload, marker });
    if (video) frame.pictureBytes += pictureBytesOfRtpPayload(payload);
  }
  if (frames.length < 2) throw new Error("recording: fewer than two frames of a kind");
  const step = (frames[frames.length - 1] as RecordedFrame).tsOffset - (frames[frames.length - 2] as RecordedFrame).tsOffset;
  return { payloadType, clockRate, frames, loopTs: (frames[frames.length - 1] as RecordedFrame).tsOffset + step };
}

/** Loads a recording and groups it into frames. */
export function loadRecording(file: string): Recording {
  const { header, packets } = readCapturedPackets(file);
  const of = (kind: "audio" | "video"): Buffer[] => packets.filter((p) => p.kind === kind).map((p) => p.packet);
  return {
    header,
    video: track(of("video"), header.video.payloadType, header.video.clockRate, true),
    audio: track(of("audio"), header.audio.payloadType, header.audio.clockRate, false),
  };
}
