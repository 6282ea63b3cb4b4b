import { programPath } from "./require-peers";
import { runCommand } from "./run-command";

/** The level of a tone in a recording. */
export interface ToneLevel {
  /** Median RMS of the 100 ms blocks louder than -45 dBFS, dBFS (a sine peaking at full scale is -3.0). */
  rmsDb: number;
  /** How many such blocks there were. */
  loudBlocks: number;
  /**
   * Samples at full scale (±32767/-32768) from 100 ms after the sound starts: a clipped tone has
   * hundreds per block. The first 100 ms are left out: G.722 overshoots a sudden onset for a few
   * milliseconds (twice the tone's peak, seen with ffmpeg's encoder into baresip and linphone alike).
   */
  clippedSamples: number;
}

const RATE = 16000;
const BLOCK = RATE / 10;
const LOUD_DB = -45;

/** {@link ToneLevel} of 16-bit samples at 16 kHz. Pure; exported for tests. */
export function toneLevelOf(samples: Int16Array): ToneLevel {
  const levels: number[] = [];
  let onset = -1;
  for (let start = 0; start + BLOCK <= samples.length; start += BLOCK) {
    let energy = 0;
    for (let i = start; i < start + BLOCK; i++) energy += ((samples[i] as number) / 32768) ** 2;
    const db = 10 * Math.log10(energy / BLOCK + 1e-12);
    if (db > LOUD_DB) {
      levels.push(db);
      if (onset < 0) onset = start;
    }
  }
  let clippedSamples = 0;
  if (onset >= 0) for (let i = onset + BLOCK; i < samples.length; i++) if ((samples[i] as number) >= 32767 || (samples[i] as number) <= -32768) clippedSamples++;
  levels.sort((a, b) => a - b);
  return { rmsDb: levels.length > 0 ? (levels[levels.length >> 1] as number) : -Infinity, loudBlocks: levels.length, clippedSamples };
}

/** {@link ToneLevel} of the audio of `file` (any format ffmpeg reads), mixed to mono at 16 kHz. */
export async function toneLevel(file: string): Promise<ToneLevel> {
  const r = await runCommand(programPath("ffmpeg"), ["-nostdin", "-v", "error", "-i", file, "-vn", "-ac", "1", "-ar", String(RATE), "-f", "s16le", "pipe:1"], { timeoutMs: 60000 });
  if (r.code !== 0) throw new Error(`ffmpeg could not decode the audio of ${file} (${r.code}): ${r.stderr.trim()}`);
  const samples = new Int16Array(Math.floor(r.stdout.length / 2));
  for (let i = 0; i < samples.length; i++) samples[i] = r.stdout.readInt16LE(i * 2);
  return toneLevelOf(samples);
}
