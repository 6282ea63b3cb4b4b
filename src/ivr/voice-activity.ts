/**
 * The level of each 20 ms of decoded audio, and whether it is voice (or tones): the input of the
 * IVR listener.
 *
 * @remarks Method: energy with a fixed threshold, and the hangover (how long quiet must last to end
 * an utterance) applied by the listener. An IVR prompt is recorded speech on a clean digital line,
 * tens of dB above anything else the call carries, so energy separates it well; spectral or
 * model-based detectors matter for noisy microphones, not here. The threshold, −45 dBFS RMS, sits
 * between speech (−35 to −10 dBFS in the prompts measured, word onsets down to −43) and every
 * codec's silence: G.711's silence byte and opus's silent frame decode to digital zero, G.722's to
 * |sample| ≤ 3 (−80 dBFS), and line noise or comfort noise is −60 dBFS or lower. The level is taken
 * after decoding, so the same threshold holds for G.711, G.722 and opus.
 */
export const VOICE_THRESHOLD_DBFS = -45;

/** The analysis frame. */
export const VOICE_FRAME_MS = 20;

/** Cuts PCM of any chunk size into 20 ms frames and reports each frame's RMS level in dBFS. */
export class VoiceActivity {
  private acc = 0;
  private count = 0;
  private rate = 0;

  constructor(private readonly onFrame: (levelDbfs: number, active: boolean) => void) {}

  push(samples: Int16Array, sampleRate: number): void {
    if (sampleRate !== this.rate) {
      this.rate = sampleRate;
      this.acc = 0;
      this.count = 0;
    }
    const frame = (sampleRate * VOICE_FRAME_MS) / 1000;
    for (const s of samples) {
      this.acc += s * s;
      if (++this.count >= frame) {
        const level = frameLevelDbfs(this.acc, this.count);
        this.acc = 0;
        this.count = 0;
        this.onFrame(level, level > VOICE_THRESHOLD_DBFS);
      }
    }
  }
}

/** RMS level in dBFS of a frame from its sum of squares (−120 for digital silence). */
export function frameLevelDbfs(sumOfSquares: number, count: number): number {
  if (count === 0 || sumOfSquares === 0) return -120;
  return Math.max(-120, 10 * Math.log10(sumOfSquares / count / (32768 * 32768)));
}
