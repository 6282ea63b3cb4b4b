import type { LumaFrame } from "./av-sync-onsets";
import type { Freeze } from "./av-sync-stats";
import { programPath } from "./require-peers";
import { runCommand } from "./run-command";

/** One frame as ffmpeg's `metadata=mode=print` writes it: `frame:N pts:P pts_time:T` then `key=value` lines. */
export interface MetadataRecord {
  ptsMs: number;
  tags: Record<string, string>;
}

export function parseMetadataPrint(text: string): MetadataRecord[] {
  const records: MetadataRecord[] = [];
  for (const line of text.split("\n")) {
    const head = /^frame:\s*\d+\s+pts:\s*\S+\s+pts_time:\s*(\S+)/.exec(line);
    if (head) records.push({ ptsMs: Number(head[1]) * 1000, tags: {} });
    else {
      const eq = line.indexOf("=");
      const last = records[records.length - 1];
      if (eq > 0 && last) last.tags[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
    }
  }
  return records;
}

/**
 * freezedetect's freezes from its frame tags: `freeze_start` (seconds) is set on the frame where
 * the freeze has lasted `d`, `freeze_duration`/`freeze_end` on the first changed frame. A freeze
 * still open at the end lasts until the last frame. freezedetect also reports a timestamp gap
 * longer than `d` as a freeze (start and end on the frame after it).
 */
export function freezesFromMetadata(records: readonly MetadataRecord[]): Freeze[] {
  const freezes: Freeze[] = [];
  let open: number | undefined;
  for (const r of records) {
    const start = r.tags["lavfi.freezedetect.freeze_start"];
    const end = r.tags["lavfi.freezedetect.freeze_end"];
    // A timestamp gap comes as start and end on the same frame (seen): start first.
    if (start !== undefined) open = Number(start) * 1000;
    if (end !== undefined && open !== undefined) {
      freezes.push({ startMs: open, durationMs: Number(end) * 1000 - open, kind: "frozen" });
      open = undefined;
    }
  }
  const last = records[records.length - 1];
  if (open !== undefined && last) freezes.push({ startMs: open, durationMs: last.ptsMs - open, kind: "frozen" });
  return freezes;
}

/** What {@link readVideoTrace} found. */
export interface VideoTrace {
  frames: LumaFrame[];
  freezes: Freeze[];
}

/**
 * freezedetect noise level. Chosen on this machine (ffmpeg 5.1) on H.264 at 800 kbit/s with a
 * deliberate 2.04 s freeze: −60 and −50 dB saw only the last 1.2 s of it (x264 keeps refining a
 * still picture, and a keyframe re-encodes it), −40 dB saw exactly 3.16–5.20 s, −30 dB began a
 * frame early; the moving testsrc2 never stayed below −40 dB for more than 120 ms.
 */
export const FREEZE_NOISE = "-40dB";

/**
 * Decodes the first video stream of `file` and returns each frame's timestamp (as in the file:
 * `-copyts`) and mean luma, and freezedetect's freezes of at least `minFreezeSec`.
 */
export async function readVideoTrace(file: string, minFreezeSec = 1): Promise<VideoTrace> {
  const filter = `signalstats,freezedetect=n=${FREEZE_NOISE}:d=${minFreezeSec},metadata=mode=print:file=-`;
  const r = await runCommand(programPath("ffmpeg"), ["-nostdin", "-v", "error", "-copyts", "-i", file, "-map", "0:v:0", "-vf", filter, "-f", "null", "-"], { timeoutMs: 180_000 });
  if (r.code !== 0) throw new Error(`ffmpeg could not decode the video of ${file} (${r.code}): ${r.stderr.slice(-2000)}`);
  const records = parseMetadataPrint(r.stdout.toString("utf8"));
  const frames = records.flatMap((rec) => {
    const luma = rec.tags["lavfi.signalstats.YAVG"];
    return luma === undefined ? [] : [{ ptsMs: rec.ptsMs, luma: Number(luma) }];
  });
  return { frames, freezes: freezesFromMetadata(records) };
}

/**
 * Decodes the first audio stream of `file` to mono float samples at `rate` where sample i is at
 * i/rate s of the file's timestamps (`-copyts`): `first_pts=0` pads silence before the first
 * packet, and `min_hard_comp=0.005` pads every timestamp gap over 5 ms (aresample's default 0.1 s
 * let a 60 ms gap pull the later beeps 60 ms early — seen here).
 */
export async function readAudioTrace(file: string, rate = 16000): Promise<Float32Array> {
  const r = await runCommand(
    programPath("ffmpeg"),
    ["-nostdin", "-v", "error", "-copyts", "-i", file, "-map", "0:a:0", "-af", "aresample=async=1:min_hard_comp=0.005:first_pts=0", "-ac", "1", "-ar", String(rate), "-f", "f32le", "pipe:1"],
    { timeoutMs: 180_000 },
  );
  if (r.code !== 0) throw new Error(`ffmpeg could not decode the audio of ${file} (${r.code}): ${r.stderr.slice(-2000)}`);
  const bytes = r.stdout;
  const samples = new Float32Array(Math.floor(bytes.length / 4));
  for (let i = 0; i < samples.length; i++) samples[i] = bytes.readFloatLE(i * 4);
  return samples;
}

/** Timestamp (ms, as in the file) of the first audio packet of `file`; NaN without audio. */
export async function readFirstAudioMs(file: string): Promise<number> {
  const r = await runCommand(
    programPath("ffprobe"),
    ["-v", "error", "-select_streams", "a:0", "-read_intervals", "%+#1", "-show_entries", "packet=pts_time", "-of", "csv=p=0", file],
    { timeoutMs: 60_000 },
  );
  if (r.code !== 0) throw new Error(`ffprobe could not read the audio of ${file} (${r.code}): ${r.stderr.slice(-2000)}`);
  const first = r.stdout.toString("utf8").trim().split("\n")[0];
  return first ? Number(first) * 1000 : Number.NaN;
}
