/** One decoded video frame: its timestamp and mean luma (signalstats YAVG, 16–235 for limited range). */
export interface LumaFrame {
  ptsMs: number;
  luma: number;
}

/**
 * The luma halfway between the normal picture (the median frame: flashes are a few frames a
 * second) and the brightest frame; NaN when the brightest is within `minContrast` of the median
 * (no flash at all, so no threshold is meaningful).
 */
export function lumaThreshold(frames: readonly LumaFrame[], minContrast = 40): number {
  if (frames.length === 0) return Number.NaN;
  const lumas = frames.map((f) => f.luma).sort((a, b) => a - b);
  const median = lumas[Math.floor(lumas.length / 2)];
  const max = lumas[lumas.length - 1];
  return max - median < minContrast ? Number.NaN : (median + max) / 2;
}

/**
 * Timestamps (ms) of the frames where the picture turns bright: luma at or above `threshold`
 * right after a frame below it. The first frame never counts (its flash may have begun earlier).
 */
export function flashOnsets(frames: readonly LumaFrame[], threshold = lumaThreshold(frames)): number[] {
  const onsets: number[] = [];
  for (let i = 1; i < frames.length; i++) {
    if (frames[i].luma >= threshold && frames[i - 1].luma < threshold) onsets.push(frames[i].ptsMs);
  }
  return onsets;
}

/** Options of {@link beepOnsets}. */
export interface BeepOnsetOptions {
  /** RMS (full scale 1.0) a window must reach; default 0.05 (−26 dBFS; the beep is −9 dBFS). */
  threshold?: number;
  /** Quiet needed before an onset, so the middle of a beep or a beep cut at the start never counts; default 300. */
  quietMs?: number;
  /** RMS window; default 1 ms. */
  windowMs?: number;
}

/**
 * Times (ms from sample 0) where a beep starts in mono samples: the start of the first window
 * whose RMS reaches the threshold after at least `quietMs` of windows below it.
 */
export function beepOnsets(samples: Float32Array, rate: number, o: BeepOnsetOptions = {}): number[] {
  const threshold = o.threshold ?? 0.05;
  const windowMs = o.windowMs ?? 1;
  const size = Math.max(1, Math.round((rate * windowMs) / 1000));
  const quietWindows = Math.ceil((o.quietMs ?? 300) / windowMs);
  const onsets: number[] = [];
  let quiet = 0;
  for (let start = 0; start + size <= samples.length; start += size) {
    let sum = 0;
    for (let i = start; i < start + size; i++) sum += samples[i] * samples[i];
    if (Math.sqrt(sum / size) < threshold) {
      quiet++;
      continue;
    }
    if (quiet >= quietWindows) onsets.push((start * 1000) / rate);
    quiet = 0;
  }
  return onsets;
}
