import { AudioFileDecoder, type AudioFileDecoderJson, type AudioFileDecoderOptions } from "./audio-file-decoder";

/** Options of {@link AudioFilePlayer}: the decoder's, without its failure callback (the player's promise rejects instead). */
export type AudioFilePlayerOptions = Omit<AudioFileDecoderOptions, "onFailure">;

/** Snapshot of an {@link AudioFilePlayer}. */
export interface AudioFilePlayerJson extends AudioFileDecoderJson {
  loop: boolean;
  /** Payloads sent in place of silence. */
  framesPlayed: number;
  /** Packet intervals after the first frame that found no frame ready (silence was sent instead). */
  underruns: number;
  settled: boolean;
}

/**
 * One play of an audio file: its decoder, and the promise the caller of `playAudio` holds.
 *
 * @remarks The promise resolves when the last frame has been taken (`nextFrame` found the decoder
 * drained) or on stop(); it rejects when ffmpeg cannot read the file or dies, or on fail().
 * Either way ffmpeg is stopped: once settled, a player never yields another frame.
 */
export class AudioFilePlayer {
  /** Settles once; see the class remarks. */
  readonly done: Promise<void>;
  private resolveDone!: () => void;
  private rejectDone!: (error: Error) => void;
  private readonly decoder: AudioFileDecoder;
  private _settled = false;
  private framesPlayed = 0;
  private underruns = 0;

  constructor(private readonly o: AudioFilePlayerOptions) {
    this.done = new Promise<void>((resolve, reject) => {
      this.resolveDone = resolve;
      this.rejectDone = reject;
    });
    this.decoder = new AudioFileDecoder({ ...o, onFailure: (error) => this.settle(error) });
  }

  get settled(): boolean {
    return this._settled;
  }

  /** The payload for this packet interval, or undefined (send silence). Called by the sender's clock. */
  nextFrame(): Buffer | undefined {
    if (this._settled) return undefined;
    const frame = this.decoder.take();
    if (frame !== undefined) {
      this.framesPlayed++;
      return frame;
    }
    if (this.decoder.drained) this.settle();
    else if (this.framesPlayed > 0) this.underruns++;
    return undefined;
  }

  /** Ends the play early; the promise resolves (stopAudio, or replaced by another file). */
  stop(): void {
    this.settle();
  }

  /** Ends the play with an error (the call ended, the codec changed). */
  fail(error: Error): void {
    this.settle(error);
  }

  private settle(error?: Error): void {
    if (this._settled) return;
    this._settled = true;
    this.decoder.close();
    if (error) this.rejectDone(error);
    else this.resolveDone();
  }

  /** Resolves once ffmpeg has exited. */
  whenExited(): Promise<void> {
    return this.decoder.whenExited();
  }

  toJSON(): AudioFilePlayerJson {
    return { ...this.decoder.toJSON(), loop: this.o.loop, framesPlayed: this.framesPlayed, underruns: this.underruns, settled: this._settled };
  }
}
