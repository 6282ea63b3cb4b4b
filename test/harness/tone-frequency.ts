import { programPath } from "./require-peers";
import { runCommand } from "./run-command";

/** Sample rate the audio is decoded to: covers tones up to 4 kHz (DTMF, test tones). */
export const ANALYSIS_RATE = 16000;
const BLOCK = 2048;
const MIN_HZ = 40;
const MAX_HZ = 4000;

/** Power at `freq` of one Hann-windowed block (Goertzel: one DFT bin at any frequency). */
function goertzelPower(samples: Float64Array, start: number, window: Float64Array, freq: number, rate: number): number {
  const coeff = 2 * Math.cos((2 * Math.PI * freq) / rate);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < window.length; i++) {
    const s0 = samples[start + i] * window[i] + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return s1 * s1 + s2 * s2 - coeff * s1 * s2;
}

/**
 * The frequency (Hz) with the most energy in mono samples, from a Goertzel scan: 4 Hz steps
 * from 40 Hz to 4 kHz over Hann-windowed 2048-sample blocks (main lobe ±15 Hz at 16 kHz,
 * so no tone falls between steps), then 0.1 Hz steps ±4 Hz around the best. Returns 0 for
 * silence. Pure; exported for tests.
 */
export function dominantFrequency(samples: Float64Array, rate: number): number {
  const blocks: number[] = [];
  for (let start = 0; start + BLOCK <= samples.length; start += BLOCK) blocks.push(start);
  if (blocks.length === 0) throw new Error(`dominantFrequency: need at least ${BLOCK} samples, got ${samples.length}`);
  let energy = 0;
  for (const v of samples) energy += v * v;
  if (energy / samples.length < 1e-10) return 0;
  const window = new Float64Array(BLOCK);
  for (let i = 0; i < BLOCK; i++) window[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (BLOCK - 1));
  const power = (freq: number): number => blocks.reduce((sum, start) => sum + goertzelPower(samples, start, window, freq, rate), 0);
  const scan = (from: number, to: number, step: number): number => {
    let best = from;
    let bestPower = -1;
    for (let f = from; f <= to + 1e-9; f += step) {
      const p = power(f);
      if (p > bestPower) {
        bestPower = p;
        best = f;
      }
    }
    return best;
  };
  const coarse = scan(MIN_HZ, Math.min(MAX_HZ, rate / 2 - 50), 4);
  return Math.round(scan(coarse - 4, coarse + 4, 0.1) * 10) / 10;
}

/**
 * Decodes the audio of `file` with ffmpeg (mono, 16 kHz, s16le) and returns the dominant
 * frequency of `seconds` (default 3) after `skipSec` (default 0.5, past encoder start-up).
 */
export async function dominantFrequencyHz(file: string, opts: { skipSec?: number; seconds?: number } = {}): Promise<number> {
  const r = await runCommand(
    programPath("ffmpeg"),
    ["-nostdin", "-v", "error", "-ss", String(opts.skipSec ?? 0.5), "-t", String(opts.seconds ?? 3), "-i", file, "-vn", "-ac", "1", "-ar", String(ANALYSIS_RATE), "-f", "s16le", "pipe:1"],
    { timeoutMs: 60000 },
  );
  if (r.code !== 0) throw new Error(`ffmpeg could not decode the audio of ${file} (${r.code}): ${r.stderr.trim()}`);
  const count = Math.floor(r.stdout.length / 2);
  const samples = new Float64Array(count);
  for (let i = 0; i < count; i++) samples[i] = r.stdout.readInt16LE(i * 2) / 32768;
  return dominantFrequency(samples, ANALYSIS_RATE);
}
