/**
 * One `-progress` report of ffmpeg. Fields ffmpeg prints as `N/A` are `null`.
 */
export interface FfmpegProgress {
  /** Video frames written so far (0 for audio-only outputs). */
  frame: number | null;
  fps: number | null;
  bitrateKbps: number | null;
  /** Output timestamp in milliseconds. */
  outTimeMs: number | null;
  /** Real-time factor, e.g. 1.0 when keeping up with a live input. */
  speed: number | null;
  /** Bytes written to the output so far. */
  totalSize: number | null;
  /** `end` on the last report ffmpeg writes before it exits. */
  progress: "continue" | "end";
}

/**
 * Parses the `key=value` lines that `ffmpeg -progress pipe:1` writes, one block per report
 * ending with `progress=continue` or `progress=end`.
 *
 * @remarks
 * `out_time_ms` is in microseconds despite its name (an old ffmpeg quirk kept in 4.x and 5.x),
 * so `out_time_us` is preferred and `out_time_ms` is read as microseconds too.
 */
export class FfmpegProgressParser {
  private block = new Map<string, string>();

  /** Feeds one line; returns a report when the line completes a block. */
  processLine(line: string): FfmpegProgress | undefined {
    const eq = line.indexOf("=");
    if (eq <= 0) return undefined;
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    if (key !== "progress") {
      this.block.set(key, value);
      return undefined;
    }
    const b = this.block;
    this.block = new Map();
    const outUs = num(b.get("out_time_us")) ?? num(b.get("out_time_ms"));
    return {
      frame: num(b.get("frame")),
      fps: num(b.get("fps")),
      bitrateKbps: num(b.get("bitrate")?.replace(/kbits\/s$/, "")),
      outTimeMs: outUs === null ? null : Math.round(outUs / 1000),
      speed: num(b.get("speed")?.replace(/x$/, "")),
      totalSize: num(b.get("total_size")),
      progress: value === "end" ? "end" : "continue",
    };
  }
}

/** True once a report shows that output has really begun. */
export function progressShowsOutput(p: FfmpegProgress): boolean {
  return (p.outTimeMs ?? 0) > 0 || (p.frame ?? 0) > 0;
}

function num(s: string | undefined): number | null {
  if (s === undefined) return null;
  const t = s.trim();
  if (t === "" || t === "N/A") return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}
