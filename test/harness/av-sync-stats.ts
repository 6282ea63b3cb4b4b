/** A flash and the beep that goes with it. */
export interface OnsetPair {
  flashMs: number;
  beepMs: number;
  /** beep − flash: positive when the sound comes late. */
  offsetMs: number;
}

/**
 * Pairs each flash with the nearest beep within ±`maxMs` (default 500, half the period, so a beep
 * can only belong to its own flash). A beep nearest to two flashes goes to the closer one.
 */
export function pairOnsets(flashes: readonly number[], beeps: readonly number[], maxMs = 500): OnsetPair[] {
  const best = new Map<number, OnsetPair>(); // by beep index
  for (const flashMs of flashes) {
    let index = -1;
    for (let i = 0; i < beeps.length; i++) {
      if (Math.abs(beeps[i] - flashMs) <= maxMs && (index < 0 || Math.abs(beeps[i] - flashMs) < Math.abs(beeps[index] - flashMs))) index = i;
    }
    if (index < 0) continue;
    const pair = { flashMs, beepMs: beeps[index], offsetMs: beeps[index] - flashMs };
    const taken = best.get(index);
    if (!taken || Math.abs(pair.offsetMs) < Math.abs(taken.offsetMs)) best.set(index, pair);
  }
  return [...best.values()].sort((a, b) => a.flashMs - b.flashMs);
}

/** Summary of A/V offsets (ms, audio − video). NaN figures when there is no pair. */
export interface OffsetStats {
  count: number;
  medianMs: number;
  /** The largest |offset|. */
  maxAbsMs: number;
  minMs: number;
  maxMs: number;
}

export function offsetStats(pairs: readonly OnsetPair[]): OffsetStats {
  const offsets = pairs.map((p) => p.offsetMs).sort((a, b) => a - b);
  const n = offsets.length;
  if (n === 0) return { count: 0, medianMs: Number.NaN, maxAbsMs: Number.NaN, minMs: Number.NaN, maxMs: Number.NaN };
  const median = n % 2 === 1 ? offsets[(n - 1) / 2] : (offsets[n / 2 - 1] + offsets[n / 2]) / 2;
  return { count: n, medianMs: median, maxAbsMs: Math.max(...offsets.map(Math.abs)), minMs: offsets[0], maxMs: offsets[n - 1] };
}

/** A stretch where the picture did not change (freezedetect) or no frame came at all (timestamp gap). */
export interface Freeze {
  startMs: number;
  durationMs: number;
  kind: "frozen" | "gap";
}

/** Gaps longer than `minMs` between consecutive video frame timestamps (a frame shown that long). */
export function timestampGaps(ptsMs: readonly number[], minMs = 1000): Freeze[] {
  const gaps: Freeze[] = [];
  for (let i = 1; i < ptsMs.length; i++) {
    const d = ptsMs[i] - ptsMs[i - 1];
    if (d > minMs) gaps.push({ startMs: ptsMs[i - 1], durationMs: d, kind: "gap" });
  }
  return gaps;
}

/**
 * Count and longest (0 when none) of the freezes longer than `minMs`, after merging overlapping
 * ones (a gap between two equal frames is also a freezedetect freeze: one event, not two).
 */
export function freezeSummary(freezes: readonly Freeze[], minMs = 1000): { count: number; longestMs: number } {
  const merged: Array<{ start: number; end: number }> = [];
  for (const f of [...freezes].sort((a, b) => a.startMs - b.startMs)) {
    const last = merged[merged.length - 1];
    if (last && f.startMs <= last.end) last.end = Math.max(last.end, f.startMs + f.durationMs);
    else merged.push({ start: f.startMs, end: f.startMs + f.durationMs });
  }
  const long = merged.map((m) => m.end - m.start).filter((d) => d > minMs);
  return { count: long.length, longestMs: Math.max(0, ...long) };
}
