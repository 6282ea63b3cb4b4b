import * as fs from "node:fs";
import { programPath } from "../../harness/require-peers";
import { runCommand } from "../../harness/run-command";

/** The first video frame of a file as ffprobe decodes it, and the first video packet's flags. */
export interface FirstVideoFrame {
  /** ffprobe `key_frame` of the first decoded frame (1 = keyframe). */
  keyFrame: number;
  pictType: string;
  /** ffprobe packet flags of the first video packet ("K_" for a keyframe). */
  packetFlags: string;
}

/** Reads the first video frame and packet of `file` with ffprobe. */
export async function firstVideoFrame(file: string): Promise<FirstVideoFrame> {
  const probe = async (entries: string): Promise<Record<string, unknown>> => {
    const r = await runCommand(programPath("ffprobe"), ["-v", "error", "-select_streams", "v:0", "-read_intervals", "%+#1", "-show_entries", entries, "-of", "json", file], { timeoutMs: 30000 });
    if (r.code !== 0) throw new Error(`ffprobe ${file}: ${r.stderr}`);
    return JSON.parse(r.stdout.toString("utf8")) as Record<string, unknown>;
  };
  const frames = ((await probe("frame=key_frame,pict_type")).frames ?? []) as Array<{ key_frame?: number; pict_type?: string }>;
  const packets = ((await probe("packet=flags")).packets ?? []) as Array<{ flags?: string }>;
  if (frames.length === 0 || packets.length === 0) throw new Error(`${file} has no video frame`);
  return { keyFrame: frames[0].key_frame ?? -1, pictType: frames[0].pict_type ?? "", packetFlags: packets[0].flags ?? "" };
}

/** What the first video tag of an FLV file says. */
export interface FlvFirstVideo {
  /** Date.now() when the tag was first seen in the file. */
  seenAt: number;
  /** FLV frame type 1 = keyframe. */
  keyframe: boolean;
}

/**
 * Polls an FLV file that an RTMP server is writing and resolves when its first coded video frame
 * (AVC NALU tag, not the sequence header) is in it: the moment the server has the first picture.
 *
 * @remarks FLV: 9-byte header + 4-byte size, then tags of type(1) size(3) timestamp(4)
 * stream(3) data(size) prevSize(4); video data starts with frameType<<4|codec and, for AVC,
 * the packet type (0 = sequence header, 1 = NALU).
 */
export async function waitForFirstFlvVideo(file: () => string | undefined, timeoutMs: number, pollMs = 10): Promise<FlvFirstVideo> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const name = file();
    if (name !== undefined && fs.existsSync(name)) {
      const found = firstCodedVideoTag(fs.readFileSync(name));
      if (found !== undefined) return { seenAt: Date.now(), keyframe: found };
    }
    if (Date.now() > end) throw new Error(`no coded video frame in ${name ?? "(no file yet)"} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/** true/false (keyframe or not) for the first coded video tag, undefined when there is none yet. */
export function firstCodedVideoTag(buf: Buffer): boolean | undefined {
  if (buf.length < 13 || buf.toString("latin1", 0, 3) !== "FLV") return undefined;
  let offset = buf.readUInt32BE(5) + 4;
  while (offset + 11 <= buf.length) {
    const type = buf[offset] & 0x1f;
    const size = buf.readUIntBE(offset + 1, 3);
    const data = offset + 11;
    if (data + size > buf.length) return undefined;
    if (type === 9 && size >= 2) {
      const frameType = buf[data] >> 4;
      const codec = buf[data] & 0x0f;
      if (codec !== 7 || buf[data + 1] === 1) return frameType === 1;
    }
    offset = data + size + 4;
  }
  return undefined;
}

/** Times (s) of the video keyframes of a file, from ffprobe's packet flags. */
export async function videoKeyframeTimes(file: string): Promise<number[]> {
  const r = await runCommand(programPath("ffprobe"), ["-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pts_time,flags", "-of", "csv=p=0", file], { timeoutMs: 30000 });
  if (r.code !== 0) throw new Error(`ffprobe ${file}: ${r.stderr}`);
  return r.stdout
    .toString("utf8")
    .split("\n")
    .map((l) => l.split(","))
    .filter(([, flags]) => flags?.startsWith("K"))
    .map(([t]) => Number(t));
}
