import { programPath } from "./require-peers";
import { runCommand } from "./run-command";

/** What ffprobe says about a media file. */
export interface ProbeResult {
  durationSec: number;
  streams: Array<{ codec_type: string; codec_name: string; width?: number; height?: number; sample_rate?: number }>;
}

interface RawProbe {
  format?: { duration?: string };
  streams?: Array<{ codec_type?: string; codec_name?: string; width?: number; height?: number; sample_rate?: string }>;
}

/**
 * Runs ffprobe on `file`. FLV from node-media-server also lists a `data` stream (the
 * metadata frame) whose codec_name is "" here.
 */
export async function ffprobe(file: string): Promise<ProbeResult> {
  const r = await runCommand(
    programPath("ffprobe"),
    ["-v", "error", "-show_entries", "format=duration:stream=codec_type,codec_name,width,height,sample_rate", "-of", "json", file],
    { timeoutMs: 30000 },
  );
  if (r.code !== 0) throw new Error(`ffprobe ${file} failed (${r.code}): ${r.stderr.trim()}`);
  const raw = JSON.parse(r.stdout.toString("utf8")) as RawProbe;
  return {
    durationSec: Number(raw.format?.duration ?? Number.NaN),
    streams: (raw.streams ?? []).map((s) => ({
      codec_type: s.codec_type ?? "",
      codec_name: s.codec_name ?? "",
      ...(s.width !== undefined ? { width: s.width } : {}),
      ...(s.height !== undefined ? { height: s.height } : {}),
      ...(s.sample_rate !== undefined ? { sample_rate: Number(s.sample_rate) } : {}),
    })),
  };
}
